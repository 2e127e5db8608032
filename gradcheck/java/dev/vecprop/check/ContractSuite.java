package dev.vecprop.check;

import dev.vecprop.layer.Layer;
import dev.vecprop.layer.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The contract tests of many layers and losses over several shapes and batch sizes, for one JUnit 5
 * {@code @TestFactory} (the kit itself needs no JUnit on the class path):
 * <pre>
 *   &#64;TestFactory
 *   Stream&lt;DynamicTest&gt; contracts() {
 *       return new ContractSuite().batches(2, 5)
 *               .layer(() -&gt; new MyLayer(8), Shape.of(8))
 *               .layer(() -&gt; new MyConv(), c -&gt; c.rejects(Shape.of(8)), Shape.of(1, 6, 6), Shape.of(1, 7, 5))
 *               .tests().stream().map(t -&gt; DynamicTest.dynamicTest(t.name(), t::verify));
 *   }
 * </pre>
 * A suite is a mutable builder; {@link #tests()} returns the tests registered so far, not yet run.
 */
public final class ContractSuite {
    private final List<ContractTest> tests = new ArrayList<>();
    private int[] batches = {3};

    /** An empty suite with batch size 3. */
    public ContractSuite() {
    }

    /**
     * One contract check, run on demand.
     *
     * @param name  the subject, e.g. {@code Linear(7->5) on (7) B=3}
     * @param check runs the check and returns its report
     */
    public record ContractTest(String name, Supplier<ContractReport> check) {
        /**
         * Runs the check and fails on the first broken property.
         *
         * @throws ContractViolation naming the property, tensor, element, values and tolerance
         */
        public void verify() {
            check.get().assertPassed();
        }
    }

    /**
     * Sets the batch sizes of the layers registered after this call: each layer and shape is checked
     * at every one of them.
     *
     * @param sizes batch sizes, each at least 2
     * @return this suite
     * @throws dev.vecprop.ConfigException if there is none or one is below 2
     */
    public ContractSuite batches(int... sizes) {
        if (sizes.length == 0) {
            throw new dev.vecprop.ConfigException("ContractSuite.batches: give at least one batch size");
        }
        for (int s : sizes) {
            if (s < 2) {
                throw new dev.vecprop.ConfigException("ContractSuite.batches: at least 2 samples, got " + s);
            }
        }
        this.batches = sizes.clone();
        return this;
    }

    /**
     * Registers a layer at several input shapes, at every batch size.
     *
     * @param layer  makes a fresh, unbuilt layer on every call
     * @param shapes input shapes (one sample), at least one
     * @return this suite
     */
    public ContractSuite layer(Supplier<? extends Layer> layer, Shape... shapes) {
        return layer(layer, UnaryOperator.identity(), shapes);
    }

    /**
     * Registers a layer at several input shapes, at every batch size, with settings or declarations
     * applied to each contract (e.g. {@code LayerContract::mixesSamplesInTraining}).
     *
     * @param layer  makes a fresh, unbuilt layer on every call
     * @param setup  changes each contract, e.g. {@code c -> c.registry(myRegistry)}
     * @param shapes input shapes (one sample), at least one
     * @return this suite
     * @throws dev.vecprop.ConfigException if no shape is given
     */
    public ContractSuite layer(Supplier<? extends Layer> layer, UnaryOperator<LayerContract> setup, Shape... shapes) {
        if (shapes.length == 0) {
            throw new dev.vecprop.ConfigException("ContractSuite.layer: give at least one input shape");
        }
        for (Shape s : shapes) {
            for (int b : batches) {
                LayerContract c = setup.apply(LayerContract.of(layer, s).batch(b));
                tests.add(new ContractTest(c.subject(), c::check));
            }
        }
        return this;
    }

    /**
     * Registers a loss contract as it is.
     *
     * @param c the contract
     * @return this suite
     */
    public ContractSuite loss(LossContract c) {
        tests.add(new ContractTest(c.subject(), c::check));
        return this;
    }

    /** {@return the tests registered so far, in order} */
    public List<ContractTest> tests() {
        return List.copyOf(tests);
    }
}
