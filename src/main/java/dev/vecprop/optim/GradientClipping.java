package dev.vecprop.optim;

import dev.vecprop.tensor.ParameterStore;

/**
 * Gradient clipping over the whole store, as {@code torch.nn.utils.clip_grad_norm_} /
 * {@code clip_grad_value_}. The global norm is summed in double in index order (deterministic).
 */
public final class GradientClipping {
    private GradientClipping() {}

    /** Global L2 norm of all gradients. */
    public static double globalNorm(ParameterStore store) {
        float[] g = store.grads();
        double s = 0;
        for (float v : g) {
            s += (double) v * v;
        }
        return Math.sqrt(s);
    }

    /** Scales all gradients by {@code maxNorm / (norm + 1e-6)} when the norm exceeds maxNorm; returns the norm. */
    public static double clipNorm(ParameterStore store, double maxNorm) {
        double norm = globalNorm(store);
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1) {
            float c = (float) coef;
            float[] g = store.grads();
            for (int i = 0; i < g.length; i++) {
                g[i] *= c;
            }
        }
        return norm;
    }

    /** Clamps every gradient element to {@code [-clip, clip]}. */
    public static void clipValue(ParameterStore store, float clip) {
        float[] g = store.grads();
        for (int i = 0; i < g.length; i++) {
            g[i] = Math.max(-clip, Math.min(clip, g[i]));
        }
    }
}
