package dev.vecprop.kernel;

/**
 * One thread's reusable buffers for the convolution kernels: a zero-padded image, gradient columns,
 * a pitch-grid output, a transposed gradient and the GEMM's panel source. Each grows to the largest size asked of it
 * and is then reused, so a warm pass allocates nothing; {@link #get()} gives the calling thread's.
 */
public final class ConvScratch {
    private float[] padded = new float[0];
    private float[] cols = new float[0];
    private float[] out = new float[0];
    private float[] transposed = new float[0];
    final ImplicitGemmConv.Columns source = new ImplicitGemmConv.Columns();

    private ConvScratch() {}

    private static final ThreadLocal<ConvScratch> SCRATCH = ThreadLocal.withInitial(ConvScratch::new);

    /** The calling thread's scratch. */
    public static ConvScratch get() {
        return SCRATCH.get();
    }

    /** {@code src (ch, hh, ww)} at {@code so} into the padded buffer ({@link ZeroPad}), which it returns. */
    float[] pad(float[] src, int so, int ch, int hh, int ww, int ph, int pw, int slack) {
        int need = ZeroPad.size(ch, hh, ww, ph, pw, slack);
        if (padded.length < need) {
            padded = new float[need];
        }
        ZeroPad.pad(src, so, ch, hh, ww, ph, pw, padded, slack);
        return padded;
    }

    /**
     * Sample {@code xs} of a convolution's input as the kernels read it: {@code x} itself when the layer
     * does not pad, else its zero-padded copy in this buffer; {@link #imageBase} gives the offset.
     */
    float[] image(ConvGeometry g, float[] x, int xs) {
        return g.pad > 0 ? pad(x, xs, g.c, g.h, g.w, g.pad, g.pad, 0) : x;
    }

    /** Where {@link #image} puts sample {@code xs}'s first element. */
    static int imageBase(ConvGeometry g, int xs) {
        return g.pad > 0 ? 0 : xs;
    }

    float[] cols(int need) {
        if (cols.length < need) {
            cols = new float[need];
        }
        return cols;
    }

    float[] transposed(int need) {
        if (transposed.length < need) {
            transposed = new float[need];
        }
        return transposed;
    }

    float[] out(int need) {
        if (out.length < need) {
            out = new float[need];
        }
        return out;
    }
}
