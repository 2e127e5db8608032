package dev.vecprop.optim;

import dev.vecprop.tensor.ParameterStore;

/**
 * Gradient clipping over the whole store, as {@code torch.nn.utils.clip_grad_norm_} /
 * {@code clip_grad_value_}. The global norm is summed in double in index order (deterministic).
 */
public final class GradientClipping {
    private GradientClipping() {}

    /**
     * Computes the global L2 norm of all gradients, as if they were one vector.
     *
     * @param store the parameters whose gradients to measure
     * @return the norm, {@code sqrt(sum g^2)}
     */
    public static double globalNorm(ParameterStore store) {
        float[] g = store.grads();
        double s = 0;
        for (float v : g) {
            s += (double) v * v;
        }
        return Math.sqrt(s);
    }

    /**
     * Scales all gradients by {@code maxNorm / (norm + 1e-6)} when that factor is below 1, as
     * {@code clip_grad_norm_}.
     *
     * @param store   the parameters whose gradients to clip
     * @param maxNorm the largest global L2 norm to allow
     * @return the global norm before clipping
     */
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

    /**
     * Clamps every gradient element to {@code [-clip, clip]}, as {@code clip_grad_value_}.
     *
     * @param store the parameters whose gradients to clip
     * @param clip  the largest absolute gradient value to allow, {@code >= 0}
     */
    public static void clipValue(ParameterStore store, float clip) {
        float[] g = store.grads();
        for (int i = 0; i < g.length; i++) {
            g[i] = Math.max(-clip, Math.min(clip, g[i]));
        }
    }
}
