package dev.vecprop.kernel;

import dev.vecprop.concurrent.WorkerPool;
import dev.vecprop.simd.GemmTiling;
import dev.vecprop.simd.Simd;
import dev.vecprop.simd.Tuning;

/**
 * Single-precision GEMM, BLIS style: {@code C(m,n) = epilogue(A(m,k) . B(k,n) + beta*C)}.
 *
 * <p>Loop nest per worker: NC columns of C, then KC-deep blocks of k (B packed into zero-padded
 * {@code KC x NR} panels unless it is already in {@link Layout#PANELS}), then MC rows (A packed into
 * {@code MR x KC} panels, or read in place when it is a small TRANSPOSED block: see {@link #DIRECT_A_SPAN}), then
 * the {@code MR x NR} register tiles of the micro-kernel, swept along C's rows when C is row-major
 * and larger than L2 can hold, otherwise down its columns. The three
 * products of dense-layer training map onto it as
 * <pre>
 *   forward   Y (B,OUT)  = X (B,IN) . W^T        A = X ROW_MAJOR,  B = W^T (PANELS, kept packed by the layer)
 *   input     dX (B,IN)  = dY (B,OUT) . W        A = dY ROW_MAJOR, B = W (PANELS_TRANSPOSED view of the same array)
 *   weights   dW^T (IN,OUT) += X^T . dY          A = X TRANSPOSED, B = dY ROW_MAJOR, C PANELS, beta 1
 * </pre>
 * with bias + ReLU fused into the forward store and the ReLU mask into the input-gradient store.
 *
 * <p>Threads: C is cut into a fixed grid of whole register tiles — column panels or row tiles,
 * whichever duplicates less packing across workers — one contiguous share per worker; k is never split. Every element of C
 * goes through the same operations in the same order whatever the thread count, so results are
 * bit-identical for any number of threads. Pack buffers are per thread, allocated once.
 */
public final class Sgemm {
    private Sgemm() {}

    static final boolean VECTOR = Simd.ENABLED;
    static final int MR = GemmTiling.MR;
    static final int NR = GemmTiling.NR;
    static final int KC = GemmTiling.KC;
    static final int MC = GemmTiling.MC;
    static final int NC = GemmTiling.NC;
    /** Row-major A panels are packed by the vector interleave (4-row tile, 8 lanes); else by the scalar loop. */
    static final boolean PACK4 = VECTOR && SgemmVectorKernels.canPack4Rows()
            && Tuning.PACK_A_VECTOR;
    /**
     * A TRANSPOSED A (the weight gradient's {@code X^T}) is read in place by the 4x2 micro-kernel,
     * not packed, when one A block spans at most this many floats of its array: a batch of
     * activations, whose block stays in L2 anyway, so packing would only cost a copy of four-float
     * pieces. Larger ones are packed: an in-place block would sweep its rows at a long stride through
     * few cache sets. A ROW_MAJOR A is always packed: an in-place kernel for it (four row streams)
     * was slower than packing plus the packed kernel.
     */
    static final int DIRECT_A_SPAN = 1 << 16;
    /** {@code -Dvecprop.gemmDirectA=auto|off} ({@link Tuning}): off always packs A (tests use it to cover both paths). */
    static final boolean DIRECT_A = VECTOR && MR == 4 && GemmTiling.NV == 2 && Tuning.GEMM_DIRECT_A;
    /**
     * A row-major C of more elements than this (default 65536, a quarter of L2) is swept along its
     * rows; {@code -Dvecprop.rowSweepMinC=N} ({@link Tuning}) moves the threshold (tests use 0 to cover that path).
     */
    static final long ROW_SWEEP_MIN_C = Tuning.ROW_SWEEP_MIN_C;
    /** Below this many multiply-adds a GEMM runs on the caller's thread alone. */
    private static final long PARALLEL_MIN_MACS = 1L << 16;
    /**
     * {@code -Dvecprop.skipZeroInputs=auto|off} ({@link Tuning}): whether a dense layer's forward and weight-gradient
     * GEMMs leave out the multiply-adds by input features that are zero (see {@link #forwardPacked}
     * and {@link #weightGradient}); off always runs the dense products.
     */
    public static final boolean SKIP_ZERO_INPUTS = VECTOR && GemmTiling.NV == 2 && Tuning.SKIP_ZERO_INPUTS;
    /**
     * Zeros are skipped only when the 4-row register tiles of X keep at most this share of their
     * steps ({@link TileNonzeros}): the skipping kernel reads B by index and takes longer per kept
     * step than the dense one per step, so it pays only when enough steps drop out (raw pixel
     * batches such as MNIST's keep well under the default, ReLU outputs well over it);
     * {@code -Dvecprop.skipZeroMaxShare=X}.
     */
    private static final double SKIP_MAX_SHARE = Tuning.SKIP_ZERO_MAX_SHARE;
    /**
     * Rows of A in a zero-skipping register tile ({@link SkipZeroVectorKernels#k4x2Rows}), whatever the
     * dense tile's MR: a step of k is left out only when all of a tile's rows are zero there, so
     * small tiles skip more; four is {@link TileNonzeros#BAND}, the band the decision samples.
     */
    static final int SR = TileNonzeros.BAND;
    /** Layers with fewer inputs than this always run dense (the scan would not pay). */
    private static final int SKIP_MIN_INPUTS = 64;

    /**
     * Whether X's ({@code batch x in}) 4-row tiles keep at most SKIP_MAX_SHARE of their steps,
     * estimated from up to four evenly spaced bands of four rows (the decision only picks the
     * faster of two exact paths, so a sample does, and a full scan would cost a noticeable share of
     * the product it decides about).
     */
    private static boolean sparseEnough(float[] x, int off, int batch, int in) {
        if (!SKIP_ZERO_INPUTS || in < SKIP_MIN_INPUTS || batch == 0) {
            return false;
        }
        int band = TileNonzeros.BAND;
        int bands = (batch + band - 1) / band;
        int step = Math.max(1, bands / 4);
        long kept = 0;
        long total = 0;
        for (int b = 0; b < bands; b += step) {
            int rows = Math.min(band, batch - b * band);
            kept += TileNonzeros.count(x, off + b * band * in, rows, in, in);
            total += in;
        }
        return kept <= SKIP_MAX_SHARE * total;
    }

    static final ThreadLocal<SgemmJob.Scratch> SCRATCH = ThreadLocal.withInitial(SgemmJob.Scratch::new);

    /**
     * {@code C = epilogue(A . B + beta*C)} with A {@code m x k}, B {@code k x n}, C {@code m x n}
     * in the given layouts (see {@link Layout}); A may be ROW_MAJOR or TRANSPOSED, C ROW_MAJOR or
     * PANELS. With {@code beta == 0} C is not read. The epilogue needs a row-major C.
     *
     * @param pool the workers to split C over; null runs on the calling thread
     * @throws IllegalArgumentException on negative sizes, unsupported layouts or operands that do
     *         not fit their arrays (message names the operand)
     */
    public static void sgemm(int m, int n, int k,
                             float[] a, int aOff, int lda, Layout aLayout,
                             float[] b, int bOff, int ldb, Layout bLayout,
                             float beta, float[] c, int cOff, int ldc, Layout cLayout,
                             Epilogue ep, WorkerPool pool) {
        if (ep == null) {
            ep = Epilogue.NONE;
        }
        SgemmChecks.validate(m, n, k, a, aOff, lda, aLayout, b, bOff, ldb, bLayout, c, cOff, ldc, cLayout, ep);
        if (m == 0 || n == 0) {
            return;
        }
        SgemmJob job = SCRATCH.get().job;
        job.set(m, n, k, a, aOff, lda, aLayout, b, bOff, ldb, bLayout, beta, c, cOff, ldc, cLayout, ep);
        execute(job, pool);
    }

    /** Runs a prepared job on the caller alone (small, or no pool) or over the pool; always clears it. */
    private static void execute(SgemmJob job, WorkerPool pool) {
        try {
            if (pool == null || pool.threads() == 1 || (long) job.m * job.n * job.k < PARALLEL_MIN_MACS) {
                job.run(0, 1);
            } else {
                pool.run(job);
            }
        } finally {
            job.clear();
        }
    }

    /**
     * Produces B on demand, already packed: the GEMM asks for one {@code kc x nc} block at a time
     * and never sees B as a matrix (e.g. a convolution's im2col columns, generated from the input
     * image straight into the pack buffer). Called from the GEMM's worker threads, each for its own
     * columns; implementations must be safe for that (read-only shared state).
     */
    public interface PanelSource {
        /**
         * Writes B's rows {@code [p0, p0+kc)} by columns {@code [j0, j0+nc)} into {@code dst} as
         * {@code ceil(nc/NR)} panels of {@code kc x NR} floats (panel q at {@code q*kc*NR}, row p of
         * it at {@code + p*NR}), with zeros for columns at or past the GEMM's {@code n}.
         */
        void pack(int p0, int kc, int j0, int nc, float[] dst);
    }

    /** {@code C = epilogue(A . B + beta*C)} with B supplied by a {@link PanelSource}; otherwise as {@link #sgemm}. */
    public static void sgemm(int m, int n, int k,
                             float[] a, int aOff, int lda, Layout aLayout,
                             PanelSource b,
                             float beta, float[] c, int cOff, int ldc, Layout cLayout,
                             Epilogue ep, WorkerPool pool) {
        if (ep == null) {
            ep = Epilogue.NONE;
        }
        if (b == null) {
            throw new IllegalArgumentException("sgemm: B source is null");
        }
        SgemmChecks.validate(m, n, k, a, aOff, lda, aLayout, null, 0, 0, null, c, cOff, ldc, cLayout, ep);
        if (m == 0 || n == 0) {
            return;
        }
        SgemmJob job = SCRATCH.get().job;
        job.set(m, n, k, a, aOff, lda, aLayout, null, 0, 0, null, beta, c, cOff, ldc, cLayout, ep);
        job.source = b;
        execute(job, pool);
    }

    /**
     * Forward of a dense layer: {@code Y = epilogue(X . W^T)}, W held as {@link Panels} of W^T.
     *
     * <p>Zero inputs (blank pixels, one-hot or bag-of-words features) contribute exact zeros, so when
     * X is sparse at the grain of the register tile ({@link #SKIP_ZERO_INPUTS}, {@link TileNonzeros})
     * each register tile of four samples runs only over the features non-zero in one of them,
     * reading W^T's matching rows in place. The K blocks stay where the dense product puts them and
     * the remaining terms are summed in the same order, so Y is the dense product's to the bit (up
     * to the sign of a zero) for any data and thread count.
     */
    public static void forwardPacked(int batch, int in, int out, float[] x, int xOff,
                                     float[] wPanels, int wOff, float[] y, int yOff,
                                     Epilogue ep, WorkerPool pool) {
        if (ep == null) {
            ep = Epilogue.NONE;
        }
        int ldw = Panels.stride(in);
        SgemmChecks.validate(batch, out, in, x, xOff, in, Layout.ROW_MAJOR, wPanels, wOff, ldw, Layout.PANELS,
                y, yOff, out, Layout.ROW_MAJOR, ep);
        if (batch == 0 || out == 0) {
            return;
        }
        if (batch == 1 && in > 0) { // one request: a matrix-vector product, the GEMM's result to the bit
            PanelGemv.run(in, out, x, xOff, wPanels, wOff, y, yOff, ep);
            return;
        }
        SgemmJob.Scratch s = SCRATCH.get();
        SgemmJob job = s.job;
        job.set(batch, out, in, x, xOff, in, Layout.ROW_MAJOR, wPanels, wOff, ldw, Layout.PANELS,
                0f, y, yOff, out, Layout.ROW_MAJOR, ep);
        job.sparse = sparseEnough(x, xOff, batch, in);
        execute(job, pool);
    }

    /**
     * Weight gradient of a dense layer: {@code dW^T (IN,OUT) = X^T . dY}, added to {@code gw} (in
     * {@link Panels} of W^T) when {@code accumulate}, else stored over it. Without accumulate the
     * caller promises that {@code gw} is zero (the gradients were just zeroed): then, as in
     * {@link #forwardPacked}, each register tile of four input features runs only over the samples
     * where one of them is non-zero, and a tile with none is not written at all. Every element is
     * the dense product's to the bit (up to the sign of a zero).
     */
    public static void weightGradient(int batch, int in, int out, float[] x, int xOff, float[] dy, int dyOff,
                                      boolean accumulate, float[] gw, int gwOff, WorkerPool pool) {
        int ldw = Panels.stride(in);
        SgemmChecks.validate(in, out, batch, x, xOff, in, Layout.TRANSPOSED, dy, dyOff, out, Layout.ROW_MAJOR,
                gw, gwOff, ldw, Layout.PANELS, Epilogue.NONE);
        if (in == 0 || out == 0) {
            return;
        }
        SgemmJob.Scratch s = SCRATCH.get();
        SgemmJob job = s.job;
        job.set(in, out, batch, x, xOff, in, Layout.TRANSPOSED, dy, dyOff, out, Layout.ROW_MAJOR,
                accumulate ? 1f : 0f, gw, gwOff, ldw, Layout.PANELS, Epilogue.NONE);
        job.sparse = sparseEnough(x, xOff, batch, in);
        job.cIsZero = !accumulate;
        execute(job, pool);
    }

}
