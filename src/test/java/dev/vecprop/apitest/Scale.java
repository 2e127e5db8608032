package dev.vecprop.apitest;

import dev.vecprop.layer.AbstractLayer;
import dev.vecprop.layer.Context;
import dev.vecprop.layer.LayerConfig;
import dev.vecprop.layer.Shape;
import dev.vecprop.tensor.Param;
import dev.vecprop.tensor.ParamSpec;
import dev.vecprop.tensor.ParameterStore;

import java.util.List;
import java.util.SplittableRandom;

/** A user's layer written against the public API only: {@code y = x * a}, one learnable scale per feature. */
final class Scale extends AbstractLayer {
    private final int features;
    private Param a;

    Scale(int features) {
        this.features = features;
    }

    @Override
    public String describe() {
        return "Scale(" + features + ")";
    }

    @Override
    public LayerConfig config() {
        return LayerConfig.of("Scale", "features", features);
    }

    @Override
    protected Shape computeOutputShape(Shape input) {
        if (input.size() != features) {
            throw new dev.vecprop.layer.ShapeException(describe() + " expects " + features + " features, got " + input);
        }
        return input;
    }

    @Override
    public List<ParamSpec> paramSpecs() {
        return List.of(ParamSpec.plain("weight", features));
    }

    @Override
    public void bind(String prefix, ParameterStore store) {
        a = store.get(prefix + "weight");
    }

    @Override
    public void initialize(SplittableRandom rnd) {
        for (int i = 0; i < features; i++) {
            a.set(i, 1f + (float) (rnd.nextDouble() - 0.5) * 0.2f);
        }
    }

    @Override
    public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
        float[] v = a.data();
        int o = a.offset();
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < features; i++) {
                y[yo + b * features + i] = x[xo + b * features + i] * v[o + i];
            }
        }
    }

    @Override
    public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                         float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
        float[] v = a.data();
        float[] g = a.grad();
        int o = a.offset();
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < features; i++) {
                float d = dy[dyo + b * features + i];
                if (ctx.paramGrads()) {
                    g[o + i] += d * x[xo + b * features + i];
                }
                if (dx != null) {
                    dx[dxo + b * features + i] = d * v[o + i];
                }
            }
        }
    }
}
