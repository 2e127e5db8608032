package dev.vecprop.check;

import dev.vecprop.simd.Simd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every case of {@link GradCheckSuite} as its own test; prints the count checked. */
class GradCheckSuiteTest {
    private static final AtomicInteger PASSED = new AtomicInteger();
    private static final AtomicInteger ELEMENTS = new AtomicInteger();

    @TestFactory
    Stream<DynamicTest> everyLayerAndLossPassesTheGradientCheck() {
        List<GradCheckSuite.Case> cases = GradCheckSuite.cases();
        assertThat(cases).hasSizeGreaterThan(50);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            GradCheckReport r = c.run().get();
            r.assertPassed();
            assertThat(r.checked()).as("elements compared in " + c.name()).isGreaterThan(0);
            PASSED.incrementAndGet();
            ELEMENTS.addAndGet(r.checked());
        }));
    }

    @AfterAll
    static void count() {
        System.out.println("gradcheck: " + PASSED.get() + " cases passed, " + ELEMENTS.get()
                + " derivatives compared, vector " + Simd.describe());
    }
}
