package dev.vecprop.check;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every built-in layer and loss satisfies the whole contract, through the kit users get. */
class BuiltInContractsTest {

    @TestFactory
    Stream<DynamicTest> everyBuiltInLayerAndLossSatisfiesTheContract() {
        List<ContractSuite.ContractTest> tests = BuiltInContracts.tests();
        assertThat(tests).hasSizeGreaterThan(40);
        return tests.stream().map(t -> DynamicTest.dynamicTest(t.name(), t::verify));
    }
}
