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

    private static final boolean VECTOR = Simd.ENABLED;
    private static final int MR = GemmTiling.MR;
    private static final int NR = GemmTiling.NR;
    private static final int KC = GemmTiling.KC;
    private static final int MC = GemmTiling.MC;
    private static final int NC = GemmTiling.NC;
    /** Row-major A panels are packed by the vector interleave (4-row tile, 8 lanes); else by the scalar loop. */
    private static final boolean PACK4 = VECTOR && SgemmVectorKernels.canPack4Rows()
            && Tuning.PACK_A_VECTOR;
    /**
     * A TRANSPOSED A (the weight gradient's {@code X^T}) is read in place by the 4x2 micro-kernel,
     * not packed, when one A block spans at most this many floats of its array: a batch of
     * activations, whose block stays in L2 anyway, so packing would only cost a copy of four-float
     * pieces. Larger ones are packed: an in-place block would sweep its rows at a long stride through
     * few cache sets. A ROW_MAJOR A is always packed: an in-place kernel for it (four row streams)
     * was slower than packing plus the packed kernel.
     */
    private static final int DIRECT_A_SPAN = 1 << 16;
    /** {@code -Dvecprop.gemmDirectA=auto|off} ({@link Tuning}): off always packs A (tests use it to cover both paths). */
    private static final boolean DIRECT_A = VECTOR && MR == 4 && GemmTiling.NV == 2 && Tuning.GEMM_DIRECT_A;
    /**
     * A row-major C of more elements than this (default 65536, a quarter of L2) is swept along its
     * rows; {@code -Dvecprop.rowSweepMinC=N} ({@link Tuning}) moves the threshold (tests use 0 to cover that path).
     */
    private static final long ROW_SWEEP_MIN_C = Tuning.ROW_SWEEP_MIN_C;
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

    /** Per-thread pack buffers and the job descriptor handed to the workers. */
    private static final class Scratch {
        final float[] aPack = new float[MC * KC];
        float[] bPack = new float[0];
        final float[] tile = new float[MR * NR];
        final float[] acc = new float[MR * NR];
        final Job job = new Job();
        /** Per register tile of A rows: the kept steps of k (sparse products); tile t's at t*KC. */
        final int[] keep = new int[((MC + SR - 1) / SR) * KC];
        final int[] kept = new int[(MC + SR - 1) / SR];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

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
        validate(m, n, k, a, aOff, lda, aLayout, b, bOff, ldb, bLayout, c, cOff, ldc, cLayout, ep);
        if (m == 0 || n == 0) {
            return;
        }
        Job job = SCRATCH.get().job;
        job.set(m, n, k, a, aOff, lda, aLayout, b, bOff, ldb, bLayout, beta, c, cOff, ldc, cLayout, ep);
        execute(job, pool);
    }

    /** Runs a prepared job on the caller alone (small, or no pool) or over the pool; always clears it. */
    private static void execute(Job job, WorkerPool pool) {
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
        validate(m, n, k, a, aOff, lda, aLayout, null, 0, 0, null, c, cOff, ldc, cLayout, ep);
        if (m == 0 || n == 0) {
            return;
        }
        Job job = SCRATCH.get().job;
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
        validate(batch, out, in, x, xOff, in, Layout.ROW_MAJOR, wPanels, wOff, ldw, Layout.PANELS,
                y, yOff, out, Layout.ROW_MAJOR, ep);
        if (batch == 0 || out == 0) {
            return;
        }
        if (batch == 1 && in > 0) { // one request: a matrix-vector product, the GEMM's result to the bit
            PanelGemv.run(in, out, x, xOff, wPanels, wOff, y, yOff, ep);
            return;
        }
        Scratch s = SCRATCH.get();
        Job job = s.job;
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
        validate(in, out, batch, x, xOff, in, Layout.TRANSPOSED, dy, dyOff, out, Layout.ROW_MAJOR,
                gw, gwOff, ldw, Layout.PANELS, Epilogue.NONE);
        if (in == 0 || out == 0) {
            return;
        }
        Scratch s = SCRATCH.get();
        Job job = s.job;
        job.set(in, out, batch, x, xOff, in, Layout.TRANSPOSED, dy, dyOff, out, Layout.ROW_MAJOR,
                accumulate ? 1f : 0f, gw, gwOff, ldw, Layout.PANELS, Epilogue.NONE);
        job.sparse = sparseEnough(x, xOff, batch, in);
        job.cIsZero = !accumulate;
        execute(job, pool);
    }

    private static final class Job implements WorkerPool.Task {
        int m, n, k, aOff, lda, bOff, ldb, cOff, ldc;
        float[] a, b, c;
        Layout aLayout, bLayout, cLayout;
        float beta;
        Epilogue ep;
        PanelSource source;
        /** Skip A's zero elements per register tile (4x2 vector tile; A in registers of MR rows). */
        boolean sparse;
        /** C is known to be zero: a sparse tile with nothing to add is left alone. */
        boolean cIsZero;

        void set(int m, int n, int k, float[] a, int aOff, int lda, Layout aLayout,
                 float[] b, int bOff, int ldb, Layout bLayout,
                 float beta, float[] c, int cOff, int ldc, Layout cLayout, Epilogue ep) {
            this.m = m;
            this.n = n;
            this.k = k;
            this.a = a;
            this.aOff = aOff;
            this.lda = lda;
            this.aLayout = aLayout;
            this.b = b;
            this.bOff = bOff;
            this.ldb = ldb;
            this.bLayout = bLayout;
            this.beta = beta;
            this.c = c;
            this.cOff = cOff;
            this.ldc = ldc;
            this.cLayout = cLayout;
            this.ep = ep;
        }

        void clear() {
            a = b = c = null;
            ep = null;
            source = null;
            sparse = false;
            cIsZero = false;
        }

        @Override
        public void run(int worker, int workers) {
            int nPanels = (n + NR - 1) / NR;
            int mTiles = (m + MR - 1) / MR;
            // Split the dimension whose shares duplicate less packing: every column share packs
            // all of A, every row share packs all of B (nothing when B is already in panels).
            long dupIfSplitN = (long) m * k;
            long dupIfSplitM = bLayout == Layout.PANELS ? 0 : (long) k * n;
            boolean canN = nPanels >= workers;
            boolean canM = mTiles >= workers;
            boolean splitN = canN && (!canM || dupIfSplitN < dupIfSplitM);
            if (!canN && !canM) {
                splitN = nPanels >= mTiles;
            }
            if (workers == 1) {
                compute(SCRATCH.get(), 0, m, 0, n);
            } else if (splitN) {
                int p0 = (int) ((long) nPanels * worker / workers);
                int p1 = (int) ((long) nPanels * (worker + 1) / workers);
                if (p1 > p0) {
                    compute(SCRATCH.get(), 0, m, p0 * NR, Math.min(n, p1 * NR));
                }
            } else {
                int t0 = (int) ((long) mTiles * worker / workers);
                int t1 = (int) ((long) mTiles * (worker + 1) / workers);
                if (t1 > t0) {
                    compute(SCRATCH.get(), t0 * MR, Math.min(m, t1 * MR), 0, n);
                }
            }
        }

        /** The BLIS loop nest over C rows [m0,m1) and columns [n0,n1) (n0 a multiple of NR). */
        void compute(Scratch s, int m0, int m1, int n0, int n1) {
            if (k == 0) {
                scaleOnly(m0, m1, n0, n1);
                return;
            }
            if (sparse) {
                computeSparse(s, m0, m1, n0, n1);
                return;
            }
            int kBlocks = (k + KC - 1) / KC;
            int kcStep = (k + kBlocks - 1) / kBlocks; // even blocks; a function of k alone
            boolean panelsB = bLayout == Layout.PANELS;
            if (!panelsB) {
                int need = kcStep * Math.min(NC, roundUp(n1 - n0, NR));
                if (s.bPack.length < need) {
                    s.bPack = new float[need];
                }
            }
            boolean rowMajorC = cLayout == Layout.ROW_MAJOR;
            boolean rowSweep = rowMajorC && (long) (m1 - m0) * (n1 - n0) > ROW_SWEEP_MIN_C;
            boolean directA = DIRECT_A && aLayout == Layout.TRANSPOSED
                    && directSpan(Math.min(MC, m1 - m0), kcStep) <= DIRECT_A_SPAN;
            for (int jc = n0; jc < n1; jc += NC) {
                int nc = Math.min(NC, n1 - jc);
                for (int pc = 0; pc < k; pc += kcStep) {
                    int kc = Math.min(kcStep, k - pc);
                    boolean last = pc + kc >= k;
                    float betaEff = pc == 0 ? beta : 1f;
                    float[] bp;
                    int bBase;
                    int bStride;
                    if (panelsB) {
                        bp = b;
                        bBase = bOff + (jc / NR) * ldb + pc * NR;
                        bStride = ldb;
                    } else if (source != null) {
                        source.pack(pc, kc, jc, nc, s.bPack);
                        bp = s.bPack;
                        bBase = 0;
                        bStride = kc * NR;
                    } else {
                        packB(pc, kc, jc, nc, s.bPack);
                        bp = s.bPack;
                        bBase = 0;
                        bStride = kc * NR;
                    }
                    for (int ic = m0; ic < m1; ic += MC) {
                        int mc = Math.min(MC, m1 - ic);
                        int fullRows = mc / MR * MR;
                        if (!directA) {
                            packA(ic, mc, pc, kc, s.aPack);
                        } else if (fullRows < mc) {
                            packA(ic + fullRows, mc - fullRows, pc, kc, s.aPack); // the ragged last tile only
                        }
                        // Row sweep (rowSweep): one A micro-panel (in L1) against every B panel of the
                        // block, so the C tiles of a band of MR rows are visited left to right, a stream
                        // the hardware prefetchers follow. (A column sweep walks a row-major C at a
                        // stride of ldc and stalls on every tile once C outgrows L2.) Column sweep
                        // otherwise: the B micro-panel stays in L1 while the A block streams from L2;
                        // taken for a C in panels (the tiles of a panel are contiguous down its rows)
                        // and for a C small enough to stay in L2. One loop nest serves both orders: the
                        // tile body stays inline (a call per tile was slower).
                        int mTiles = (mc + MR - 1) / MR;
                        int nTiles = (nc + NR - 1) / NR;
                        int outer = rowSweep ? mTiles : nTiles;
                        int inner = rowSweep ? nTiles : mTiles;
                        for (int o = 0; o < outer; o++) {
                            for (int q = 0; q < inner; q++) {
                                int ir = (rowSweep ? o : q) * MR;
                                int jr = (rowSweep ? q : o) * NR;
                                int mv = Math.min(MR, mc - ir);
                                int nv = Math.min(NR, nc - jr);
                                int i = ic + ir;
                                int j = jc + jr;
                                int bo = bBase + (jr / NR) * bStride;
                                boolean direct = directA && mv == MR;
                                int ao = directA ? 0 : (ir / MR) * kc * MR;
                                int co;
                                int cld;
                                if (rowMajorC) {
                                    co = cOff + i * ldc + j;
                                    cld = ldc;
                                } else {
                                    co = cOff + (j / NR) * ldc + i * NR;
                                    cld = NR;
                                }
                                if (mv == MR && nv == NR) {
                                    if (direct) {
                                        microDirect(kc, i, pc, bp, bo, c, co, cld, betaEff);
                                    } else {
                                        micro(kc, s.aPack, ao, bp, bo, c, co, cld, betaEff, s);
                                    }
                                } else {
                                    if (direct) {
                                        microDirect(kc, i, pc, bp, bo, s.tile, 0, NR, 0f);
                                    } else {
                                        micro(kc, s.aPack, ao, bp, bo, s.tile, 0, NR, 0f, s);
                                    }
                                    SgemmScalarKernels.merge(s.tile, mv, nv, c, co, cld, betaEff);
                                }
                                if (last && ep.kind != Epilogue.Kind.NONE) {
                                    if (VECTOR) {
                                        SgemmVectorKernels.epilogue(ep, c, co, cld, i, j, mv, nv);
                                    } else {
                                        SgemmScalarKernels.epilogue(ep, c, co, cld, i, j, mv, nv);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        /**
         * The loop nest of {@link #compute} for a {@link #sparse} job: per MC block of rows and K
         * block, each SR-row tile of A is packed with only the steps of k where one of its rows is
         * non-zero ({@link Scratch#keep}), and the micro-kernel reads B's matching rows in place
         * (B in panels) or from its packed block.
         */
        private void computeSparse(Scratch s, int m0, int m1, int n0, int n1) {
            int kBlocks = (k + KC - 1) / KC;
            int kcStep = (k + kBlocks - 1) / kBlocks; // the dense product's blocks
            boolean panelsB = bLayout == Layout.PANELS;
            if (!panelsB) {
                int need = kcStep * roundUp(n1 - n0, NR);
                if (s.bPack.length < need) {
                    s.bPack = new float[need];
                }
            }
            boolean rowMajorC = cLayout == Layout.ROW_MAJOR;
            for (int pc = 0; pc < k; pc += kcStep) {
                int kc = Math.min(kcStep, k - pc);
                boolean last = pc + kc >= k;
                float betaEff = pc == 0 ? beta : 1f;
                boolean untouched = betaEff == 1f || (pc == 0 && cIsZero); // C as it is = C + nothing
                if (!panelsB) {
                    packB(pc, kc, n0, n1 - n0, s.bPack);
                }
                for (int ic = m0; ic < m1; ic += MC) {
                    int mc = Math.min(MC, m1 - ic);
                    int mTiles = (mc + SR - 1) / SR;
                    for (int t = 0; t < mTiles; t++) {
                        s.kept[t] = packKept(ic + t * SR, Math.min(SR, mc - t * SR), pc, kc, s.aPack, t * kc * SR,
                                s.keep, t * KC);
                    }
                    // B in place (a layer's W^T, large): down each panel, so it is read once per block.
                    // B packed (a batch's dY, small): along each tile's row of panels, so the kernel's
                    // trip count repeats and its loop exit is predicted.
                    int nPanels = (n1 - n0 + NR - 1) / NR;
                    int outer = panelsB ? nPanels : mTiles;
                    int inner = panelsB ? mTiles : nPanels;
                    boolean epi = last && ep.kind != Epilogue.Kind.NONE;
                    int keepBase = panelsB ? 0 : pc; // row p of the B panel: in place B's own k; packed k - pc
                    float[] bp = panelsB ? b : s.bPack;
                    for (int o = 0; o < outer; o++) {
                        // two whole panels at once where they exist (SkipZeroVectorKernels#k4x2x2Rows):
                        // B in place pairs the outer panels, B packed the inner ones
                        boolean pairOuter = panelsB && o + 1 < outer && n0 + (o + 2) * NR <= n1;
                        for (int q = 0; q < inner; q++) {
                            int t = panelsB ? q : o;
                            int jr = (panelsB ? o : q) * NR;
                            boolean pair = panelsB ? pairOuter : q + 1 < inner && n0 + (q + 2) * NR <= n1;
                            int kk = s.kept[t];
                            if (!(kk == 0 && untouched && !epi)) {
                                int i = ic + t * SR;
                                int mv = Math.min(SR, mc - t * SR);
                                if (pair && mv == SR) {
                                    int j = n0 + jr;
                                    int cld = rowMajorC ? ldc : NR;
                                    int co = cIndex(rowMajorC, i, j);
                                    int co2 = cIndex(rowMajorC, i, j + NR);
                                    SkipZeroVectorKernels.k4x2x2Rows(kk, s.aPack, t * kc * SR, bp, bIndex(panelsB, n0, jr, kc),
                                            bIndex(panelsB, n0, jr + NR, kc), s.keep, t * KC, keepBase, c, co, co2, cld, betaEff);
                                    if (epi) {
                                        SgemmVectorKernels.epilogue(ep, c, co, cld, i, j, mv, NR);
                                        SgemmVectorKernels.epilogue(ep, c, co2, cld, i, j + NR, mv, NR);
                                    }
                                } else {
                                    sparseTile(s, kk, t, i, mv, jr, n0, n1, kc, bp, panelsB, keepBase, rowMajorC, betaEff, epi);
                                    if (pair) {
                                        sparseTile(s, kk, t, i, mv, jr + NR, n0, n1, kc, bp, panelsB, keepBase, rowMajorC,
                                                betaEff, epi);
                                    }
                                }
                            }
                            if (pair && !panelsB) {
                                q++;
                            }
                        }
                        if (pairOuter) {
                            o++;
                        }
                    }
                }
            }
        }

        /** Index in {@code c} of element (i, j), j a multiple of NR. */
        private int cIndex(boolean rowMajorC, int i, int j) {
            return rowMajorC ? cOff + i * ldc + j : cOff + (j / NR) * ldc + i * NR;
        }

        /** Index of the panel at column {@code n0 + jr} of B: in place, or in this K block's pack. */
        private int bIndex(boolean panelsB, int n0, int jr, int kc) {
            return panelsB ? bOff + ((n0 + jr) / NR) * ldb : (jr / NR) * kc * NR;
        }

        /** One SR-row tile against one panel in {@link #computeSparse}; ragged tiles through the scratch tile. */
        private void sparseTile(Scratch s, int kk, int t, int i, int mv, int jr, int n0, int n1, int kc, float[] bp,
                                boolean panelsB, int keepBase, boolean rowMajorC, float betaEff, boolean epi) {
            int j = n0 + jr;
            int nv = Math.min(NR, n1 - j);
            int bo = bIndex(panelsB, n0, jr, kc);
            int co = cIndex(rowMajorC, i, j);
            int cld = rowMajorC ? ldc : NR;
            if (mv == SR && nv == NR) {
                SkipZeroVectorKernels.k4x2Rows(kk, s.aPack, t * kc * SR, bp, bo, s.keep, t * KC, keepBase, c, co, cld, betaEff);
            } else {
                SkipZeroVectorKernels.k4x2Rows(kk, s.aPack, t * kc * SR, bp, bo, s.keep, t * KC, keepBase, s.tile, 0, NR, 0f);
                SgemmScalarKernels.merge(s.tile, mv, nv, c, co, cld, betaEff);
            }
            if (epi) {
                SgemmVectorKernels.epilogue(ep, c, co, cld, i, j, mv, nv);
            }
        }

        /**
         * Packs the A tile of rows [i0, i0+rows) over k [p0, p0+kc) keeping only the steps where a row
         * is non-zero (as an SR-row panel at dst[d..], zero-padded rows), their k in keep[ko..]; returns
         * how many. Branch-free: every step is written, the cursor advances only past kept ones.
         */
        private int packKept(int i0, int rows, int p0, int kc, float[] dst, int d, int[] keep, int ko) {
            int n = 0;
            if (aLayout == Layout.TRANSPOSED && rows == SR) {
                // A(i, p) = a[aOff + p*lda + i]: the tile's four values of a step are contiguous
                n = SkipZeroVectorKernels.packKeptColA(a, aOff + p0 * lda + i0, lda, p0, kc, dst, d, keep, ko);
            } else if (aLayout == Layout.ROW_MAJOR && rows == SR) {
                n = SkipZeroVectorKernels.packKeptRows(a, aOff + i0 * lda + p0, lda, p0, kc, dst, d, keep, ko);
            } else {
                for (int p = 0; p < kc; p++) {
                    boolean any = false;
                    int o = d + n * SR;
                    for (int r = 0; r < SR; r++) {
                        float v = 0f;
                        if (r < rows) {
                            v = aLayout == Layout.ROW_MAJOR ? a[aOff + (i0 + r) * lda + p0 + p]
                                    : a[aOff + (p0 + p) * lda + i0 + r];
                        }
                        dst[o + r] = v;
                        any |= v != 0f || v != v;
                    }
                    keep[ko + n] = p0 + p;
                    n += any ? 1 : 0;
                }
            }
            return n;
        }

        /** Floats of a TRANSPOSED A's array that one {@code rows x kc} block of A spans. */
        private long directSpan(int rows, int kc) {
            return (long) (kc - 1) * lda + rows;
        }

        /** The full MR-row tile at A rows [i, i+MR), k [p0, p0+kc) of a TRANSPOSED A, read in place (see {@link #DIRECT_A_SPAN}). */
        private void microDirect(int kc, int i, int p0, float[] b, int bo, float[] c, int co, int ldc, float beta) {
            SgemmVectorKernels.k4x2ColA(kc, a, aOff + p0 * lda + i, lda, b, bo, c, co, ldc, beta);
        }

        private static void micro(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc,
                                  float beta, Scratch s) {
            if (VECTOR) {
                SgemmVectorKernels.micro(kc, a, ao, b, bo, c, co, ldc, beta);
            } else {
                SgemmScalarKernels.micro(kc, a, ao, b, bo, c, co, ldc, beta, s.acc);
            }
        }

        /** k == 0: C = epilogue(beta*C). */
        private void scaleOnly(int m0, int m1, int n0, int n1) {
            for (int i = m0; i < m1; i++) {
                for (int j = n0; j < n1; j++) {
                    int ci = SgemmRef.index(cOff, ldc, cLayout, i, j);
                    float v = beta == 0f ? 0f : c[ci] * beta;
                    c[ci] = ep.apply(v, i, j);
                }
            }
        }

        /** Packs A rows [i0,i0+mc), k [p0,p0+kc) into MR-row panels (stride kc*MR), zero-padded. */
        private void packA(int i0, int mc, int p0, int kc, float[] dst) {
            for (int r = 0; r < mc; r += MR) {
                int d = (r / MR) * kc * MR;
                int rows = Math.min(MR, mc - r);
                if (aLayout == Layout.ROW_MAJOR && rows == MR && PACK4) {
                    SgemmVectorKernels.pack4Rows(a, aOff + (i0 + r) * lda + p0, lda, kc, dst, d);
                } else if (aLayout == Layout.ROW_MAJOR) {
                    for (int i = 0; i < rows; i++) {
                        int src = aOff + (i0 + r + i) * lda + p0;
                        for (int p = 0; p < kc; p++) {
                            dst[d + p * MR + i] = a[src + p];
                        }
                    }
                } else {
                    for (int p = 0; p < kc; p++) {
                        int src = aOff + (p0 + p) * lda + i0 + r;
                        int dp = d + p * MR;
                        for (int i = 0; i < rows; i++) {
                            dst[dp + i] = a[src + i];
                        }
                    }
                }
                if (rows < MR) {
                    for (int p = 0; p < kc; p++) {
                        for (int i = rows; i < MR; i++) {
                            dst[d + p * MR + i] = 0f;
                        }
                    }
                }
            }
        }

        /** Packs B k [p0,p0+kc), columns [j0,j0+nc) into NR-wide panels (stride kc*NR), zero-padded. */
        private void packB(int p0, int kc, int j0, int nc, float[] dst) {
            for (int jr = 0; jr < nc; jr += NR) {
                int d = (jr / NR) * kc * NR;
                int w = Math.min(NR, nc - jr);
                int j = j0 + jr;
                switch (bLayout) {
                    case ROW_MAJOR -> {
                        if (VECTOR && w == NR) {
                            SgemmVectorKernels.copyRows(b, bOff + p0 * ldb + j, ldb, kc, dst, d);
                        } else {
                            for (int p = 0; p < kc; p++) {
                                System.arraycopy(b, bOff + (p0 + p) * ldb + j, dst, d + p * NR, w);
                            }
                        }
                    }
                    case TRANSPOSED -> {
                        for (int jj = 0; jj < w; jj++) {
                            int src = bOff + (j + jj) * ldb + p0;
                            for (int p = 0; p < kc; p++) {
                                dst[d + p * NR + jj] = b[src + p];
                            }
                        }
                    }
                    case PANELS_TRANSPOSED -> {
                        if (NR == 16 && w == NR) {
                            gatherTransposed16(b, bOff + j * NR, ldb, p0, kc, dst, d);
                        } else {
                            for (int p = 0; p < kc; p++) {
                                int pp = p0 + p;
                                int src = bOff + (pp / NR) * ldb + pp % NR + j * NR;
                                int dp = d + p * NR;
                                for (int jj = 0; jj < w; jj++) {
                                    dst[dp + jj] = b[src + jj * NR];
                                }
                            }
                        }
                    }
                    default -> throw new IllegalStateException("B layout " + bLayout);
                }
                if (w < NR) {
                    for (int p = 0; p < kc; p++) {
                        java.util.Arrays.fill(dst, d + p * NR + w, d + (p + 1) * NR, 0f);
                    }
                }
            }
        }
    }

    /**
     * One full 16-wide B panel from a PANELS_TRANSPOSED B: {@code dst[d + p*16 + jj] = b[src + ((p0+p)/16)*ldb
     * + (p0+p)%16 + jj*16]} for p < kc, jj < 16 (the twin is the generic loop in packB). Each row is 16
     * loads at a stride of 16 floats, written out unrolled after one bounds check per row: faster than
     * the loop form (bounds checks per element) and than a 16x16 transpose by 8x8 vector shuffles.
     */
    private static void gatherTransposed16(float[] b, int src, int ldb, int p0, int kc, float[] dst, int d) {
        for (int p = 0; p < kc; p++) {
            int pp = p0 + p;
            int s = src + (pp >>> 4) * ldb + (pp & 15);
            int o = d + p * 16;
            java.util.Objects.checkFromIndexSize(s, 241, b.length);
            java.util.Objects.checkFromIndexSize(o, 16, dst.length);
            dst[o] = b[s];
            dst[o + 1] = b[s + 16];
            dst[o + 2] = b[s + 32];
            dst[o + 3] = b[s + 48];
            dst[o + 4] = b[s + 64];
            dst[o + 5] = b[s + 80];
            dst[o + 6] = b[s + 96];
            dst[o + 7] = b[s + 112];
            dst[o + 8] = b[s + 128];
            dst[o + 9] = b[s + 144];
            dst[o + 10] = b[s + 160];
            dst[o + 11] = b[s + 176];
            dst[o + 12] = b[s + 192];
            dst[o + 13] = b[s + 208];
            dst[o + 14] = b[s + 224];
            dst[o + 15] = b[s + 240];
        }
    }

    private static int roundUp(int x, int m) {
        return (x + m - 1) / m * m;
    }

    private static void validate(int m, int n, int k,
                                 float[] a, int aOff, int lda, Layout aLayout,
                                 float[] b, int bOff, int ldb, Layout bLayout,
                                 float[] c, int cOff, int ldc, Layout cLayout, Epilogue ep) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm: negative size m=" + m + " n=" + n + " k=" + k);
        }
        if (aLayout != Layout.ROW_MAJOR && aLayout != Layout.TRANSPOSED) {
            throw new IllegalArgumentException("sgemm: A must be ROW_MAJOR or TRANSPOSED, got " + aLayout);
        }
        if (cLayout != Layout.ROW_MAJOR && cLayout != Layout.PANELS) {
            throw new IllegalArgumentException("sgemm: C must be ROW_MAJOR or PANELS, got " + cLayout);
        }
        if (ep.kind != Epilogue.Kind.NONE && cLayout != Layout.ROW_MAJOR) {
            throw new IllegalArgumentException("sgemm: epilogue " + ep.kind + " needs a ROW_MAJOR C");
        }
        checkOperand("A", a, aOff, lda, aLayout, m, k);
        if (bLayout != null) {
            checkOperand("B", b, bOff, ldb, bLayout, k, n);
        }
        checkOperand("C", c, cOff, ldc, cLayout, m, n);
        ep.checkBounds(m, n);
    }

    private static void checkOperand(String name, float[] x, int off, int ld, Layout layout, int rows, int cols) {
        if (x == null) {
            throw new IllegalArgumentException("sgemm: " + name + " is null");
        }
        if (off < 0) {
            throw new IllegalArgumentException("sgemm: " + name + " offset " + off + " < 0");
        }
        if (rows == 0 || cols == 0) {
            return;
        }
        long last; // one past the highest index touched
        long minLd;
        switch (layout) {
            case ROW_MAJOR -> {
                minLd = cols;
                last = off + (long) (rows - 1) * ld + cols;
            }
            case TRANSPOSED -> {
                minLd = rows;
                last = off + (long) (cols - 1) * ld + rows;
            }
            case PANELS -> {
                minLd = (long) rows * NR;
                last = off + (long) ((cols + NR - 1) / NR - 1) * ld + (long) rows * NR;
            }
            case PANELS_TRANSPOSED -> {
                minLd = (long) cols * NR;
                last = off + (long) ((rows - 1) / NR) * ld + (long) (cols - 1) * NR + (rows - 1) % NR + 1;
            }
            default -> throw new IllegalStateException();
        }
        if (ld < minLd) {
            throw new IllegalArgumentException("sgemm: " + name + " (" + rows + "x" + cols + ", " + layout
                    + ") needs a leading dimension >= " + minLd + ", got " + ld);
        }
        if (last > x.length) {
            throw new IllegalArgumentException("sgemm: " + name + " (" + rows + "x" + cols + ", " + layout
                    + ", offset " + off + ", ld " + ld + ") needs " + last + " floats, array has " + x.length);
        }
    }
}
