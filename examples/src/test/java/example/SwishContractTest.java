package example;

import dev.vecprop.check.ContractProperty;
import dev.vecprop.check.ContractReport;
import dev.vecprop.check.ContractSuite;
import dev.vecprop.check.ContractViolation;
import dev.vecprop.check.LayerContract;
import dev.vecprop.layer.AbstractLayer;
import dev.vecprop.layer.Context;
import dev.vecprop.layer.LayerRegistry;
import dev.vecprop.layer.Shape;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The custom Swish layer under vecprop's layer contract kit, and a broken twin that must fail it. */
class SwishContractTest {
    /** Checkpoints of a model with Swish load through this registry. */
    static final LayerRegistry REGISTRY = LayerRegistry.builtIn()
            .register("Swish", c -> new Swish((float) c.doubleArg("beta")));

    /** One statement per layer: the whole contract at one shape. */
    @Test
    void swishSatisfiesTheContract() {
        LayerContract.of(() -> new Swish(1.5f), Shape.of(8)).registry(REGISTRY).verify();
    }

    /** One test per layer, shape and batch size, from one factory. */
    @TestFactory
    Stream<DynamicTest> contractsOverShapesAndBatchSizes() {
        return new ContractSuite().batches(2, 7)
                .layer(() -> new Swish(1f), c -> c.registry(REGISTRY), Shape.of(5), Shape.of(3, 4, 4))
                .layer(() -> new Swish(0.5f), c -> c.registry(REGISTRY), Shape.of(33))
                .tests().stream().map(t -> DynamicTest.dynamicTest(t.name(), t::verify));
    }

    /** Swish whose backward forgets the {@code beta x s (1 - s)} term. */
    static final class BrokenSwish extends AbstractLayer {
        @Override
        public String describe() {
            return "BrokenSwish";
        }

        @Override
        protected Shape computeOutputShape(Shape input) {
            return input;
        }

        @Override
        public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
            for (int i = 0; i < batch * inputShape().size(); i++) {
                float v = x[xo + i];
                y[yo + i] = v / (1f + (float) Math.exp(-v));
            }
        }

        @Override
        public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                             float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
            if (dx == null) {
                return;
            }
            for (int i = 0; i < batch * inputShape().size(); i++) {
                float s = 1f / (1f + (float) Math.exp(-x[xo + i]));
                dx[dxo + i] = dy[dyo + i] * s; // missing: + x s (1 - s)
            }
        }
    }

    @Test
    void theBrokenTwinFailsTheGradientProperty() {
        LayerContract broken = LayerContract.of(BrokenSwish::new, Shape.of(8));
        ContractReport r = broken.check();
        assertThat(r.failed()).containsExactly(ContractProperty.GRADIENTS);
        assertThatThrownBy(broken::verify).isInstanceOf(ContractViolation.class)
                .hasMessageStartingWith("GRADIENTS violated by BrokenSwish on (8) B=3")
                .hasMessageContaining("input gradient element")
                .hasMessageContaining("analytic vs numeric")
                .hasMessageContaining("tolerance");
    }
}
