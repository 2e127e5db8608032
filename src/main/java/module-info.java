/**
 * vecprop: explicit, layer-wise backprop on the CPU with the JDK Vector API. Zero runtime
 * dependencies beyond the JDK.
 *
 * <p>The API: build a model ({@link dev.vecprop.layer.Sequential} of {@link dev.vecprop.layer.Layer}s),
 * fit it ({@link dev.vecprop.train.Trainer}) on a {@link dev.vecprop.data.DataSource} with a
 * {@link dev.vecprop.loss.Loss} and an {@link dev.vecprop.optim.OptimizerFactory}, save it
 * ({@link dev.vecprop.train.Checkpoint}), serve it ({@link dev.vecprop.train.InferenceSession}),
 * gradient-check a layer ({@link dev.vecprop.check.GradCheck}), draw it ({@link dev.vecprop.plot}).
 * Kernels, SIMD capability, the worker pool and the command line are internal.
 */
module dev.vecprop {
    requires jdk.incubator.vector;
    requires static jdk.management;
    requires static java.management;

    exports dev.vecprop;
    exports dev.vecprop.tensor;
    exports dev.vecprop.layer;
    exports dev.vecprop.loss;
    exports dev.vecprop.optim;
    exports dev.vecprop.data;
    exports dev.vecprop.io;
    exports dev.vecprop.train;
    exports dev.vecprop.check;
    exports dev.vecprop.quant;
    exports dev.vecprop.plot;
}
