package dev.vecprop.check;

import dev.vecprop.layer.Context;
import dev.vecprop.layer.ElementwiseLayer;
import dev.vecprop.layer.Linear;
import dev.vecprop.layer.Sequential;
import dev.vecprop.layer.Shape;
import dev.vecprop.layer.Tanh;
import dev.vecprop.kernel.Activations;
import dev.vecprop.loss.Loss;
import dev.vecprop.loss.Targets;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The checker must fail when a backward is wrong, and say where. */
class BrokenBackwardIsCaughtTest {

    /** tanh whose backward forgets to square: dx = dy * (1 - y). */
    static final class BrokenTanh extends ElementwiseLayer {
        @Override
        public String describe() {
            return "BrokenTanh";
        }

        @Override
        public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
            Activations.tanh(x, xo, y, yo, batch * inputShape().size());
        }

        @Override
        public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                             float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
            for (int i = 0; i < batch * inputShape().size(); i++) {
                dx[dxo + i] = dy[dyo + i] * (1f - y[yo + i]);
            }
        }
    }

    @Test
    void aWrongInputGradientFailsAndNamesTheTensor() {
        GradCheckReport r = GradCheck.checkLayer(new BrokenTanh(), Shape.of(6), GradCheck.Options.defaults());
        assertThat(r.passed()).isFalse();
        TensorCheck f = r.firstFailure();
        assertThat(f.tensor()).isEqualTo("input");
        assertThat(f.worstIndex()).isBetween(0, 17);
        assertThat(f.relError()).isGreaterThan(0.05);
        assertThatThrownBy(r::assertPassed).isInstanceOf(AssertionError.class)
                .hasMessageContaining("BrokenTanh").hasMessageContaining("input").hasMessageContaining("FAIL");
        // and the correct layer passes with the same options
        GradCheck.checkLayer(new Tanh(), Shape.of(6), GradCheck.Options.defaults()).assertPassed();
    }

    @Test
    void aWrongWeightGradientFailsAndNamesTheParameter() {
        // Scale the weight gradient after a correct backward: 0.weight must be reported.
        Sequential m = new Sequential(Shape.of(5), new Linear(5, 4), new BrokenTanh()) ;
        GradCheckReport good = GradCheck.checkModel(new Sequential(Shape.of(5), new Linear(5, 4), new Tanh()),
                GradCheck.Options.defaults());
        good.assertPassed();
        GradCheckReport bad = GradCheck.checkModel(m, GradCheck.Options.defaults());
        assertThat(bad.passed()).isFalse();
        assertThat(bad.tensors()).extracting(TensorCheck::tensor).contains("input", "0.weight", "0.bias");
        assertThat(bad.tensors().stream().filter(t -> t.tensor().equals("0.weight")).findFirst().orElseThrow().passed())
                .isFalse();
    }

    @Test
    void aLayerThatDoesNotFitTheInputIsRejectedBeforeChecking() {
        assertThatThrownBy(() -> GradCheck.checkLayer(new Linear(5, 3), Shape.of(4), GradCheck.Options.defaults()))
                .isInstanceOf(dev.vecprop.layer.ShapeException.class)
                .hasMessageContaining("Linear(5->3) expects input (5), got (4)");
    }

    @Test
    void aWrongLossGradientFails() {
        Loss halfGradient = new Loss() {
            @Override
            public String describe() {
                return "HalfMSE";
            }

            @Override
            public double compute(float[] x, int xo, int batch, int features, Targets t, float[] dx, int dxo) {
                double s = 0;
                for (int i = 0; i < batch * features; i++) {
                    double d = x[xo + i];
                    s += d * d;
                    if (dx != null) {
                        dx[dxo + i] = (float) d; // should be 2d
                    }
                }
                return s;
            }
        };
        float[] x = {0.5f, -1.5f, 2f, 0.25f};
        GradCheckReport r = GradCheck.checkLoss(halfGradient, x, 2, 2, Targets.values(new float[4], 0),
                GradCheck.Options.defaults());
        assertThat(r.passed()).isFalse();
        assertThat(r.firstFailure().tensor()).isEqualTo("loss input");
    }
}
