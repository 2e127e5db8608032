/**
 * vecprop: explicit, layer-wise backprop on the CPU with the JDK Vector API.
 * Zero runtime dependencies beyond the JDK.
 */
module dev.vecprop {
    requires jdk.incubator.vector;
    requires static jdk.management;
    requires static java.management;

    exports dev.vecprop.simd;
    exports dev.vecprop.kernel;
    exports dev.vecprop.concurrent;
    exports dev.vecprop.cli;
    exports dev.vecprop.tensor;
    exports dev.vecprop.layer;
    exports dev.vecprop.loss;
    exports dev.vecprop.check;
    exports dev.vecprop.data;
    exports dev.vecprop.optim;
    exports dev.vecprop.io;
    exports dev.vecprop.train;
}
