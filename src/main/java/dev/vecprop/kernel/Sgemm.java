package dev.vecprop.kernel;

import dev.vecprop.concurrent.WorkerPool;
import dev.vecprop.simd.GemmTiling;
import dev.vecprop.simd.Simd;

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
            && !"scalar".equals(System.getProperty("vecprop.packA", "").trim());
    /**
     * A TRANSPOSED A (the weight gradient's {@code X^T}) is read in place by the 4x2 micro-kernel,
     * not packed, when one A block spans at most this many floats of its array: a batch of
     * activations, whose block stays in L2 anyway, so packing would only cost a copy of four-float
     * pieces (dW1 of the MLP: 4-10% faster). Larger ones are packed: an in-place block would sweep
     * its rows at a long stride through few cache sets. A ROW_MAJOR A is always packed: its in-place
     * kernel (four row streams) measured 5-10% slower than packing plus the packed kernel.
     */
    private static final int DIRECT_A_SPAN = 1 << 16;
    /** {@code -Dvecprop.gemmDirectA=auto|off}: off always packs A (tests use it to cover both paths). */
    private static final boolean DIRECT_A = VECTOR && MR == 4 && GemmTiling.NV == 2
            && !"off".equals(System.getProperty("vecprop.gemmDirectA", "auto").trim());
    /**
     * A row-major C of more elements than this (default 65536, a quarter of L2) is swept along its
     * rows; {@code -Dvecprop.rowSweepMinC=N} moves the threshold (tests use 0 to cover that path).
     */
    private static final long ROW_SWEEP_MIN_C = Long.getLong("vecprop.rowSweepMinC", 1 << 16);
    /** Below this many multiply-adds a GEMM runs on the caller's thread alone. */
    private static final long PARALLEL_MIN_MACS = 1L << 16;
    /**
     * {@code -Dvecprop.skipZeroInputs=auto|off}: whether a dense layer's forward and weight-gradient
     * GEMMs leave out the input features that are zero in every sample of the batch (see
     * {@link #forwardPacked} and {@link #weightGradient}); off always runs the dense products.
     */
    public static final boolean SKIP_ZERO_INPUTS =
            !"off".equals(System.getProperty("vecprop.skipZeroInputs", "auto").trim());
    /**
     * The features are compacted only when at most this share of them is non-zero (the gathers
     * cost about what an eighth of the products saves); {@code -Dvecprop.skipZeroMaxShare=X}.
     */
    private static final double SKIP_MAX_SHARE = maxShare();
    /** Layers with fewer inputs than this always run dense (the scan would not pay). */
    private static final int SKIP_MIN_INPUTS = 64;

    private static double maxShare() {
        String v = System.getProperty("vecprop.skipZeroMaxShare", "0.875").trim();
        try {
            double d = Double.parseDouble(v);
            if (d >= 0 && d <= 1) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // fall through
        }
        throw new IllegalArgumentException("vecprop.skipZeroMaxShare must be a number in [0, 1], got '" + v + "'");
    }

    /** Per-thread pack buffers and the job descriptor handed to the workers. */
    private static final class Scratch {
        final float[] aPack = new float[MC * KC];
        float[] bPack = new float[0];
        final float[] tile = new float[MR * NR];
        final float[] acc = new float[MR * NR];
        final Job job = new Job();
        int[] nzBits = new int[0];
        int[] nzIdx = new int[0];
        int[] nzRuns = new int[0];
        float[] compacted = new float[0];

        /** {@code a}'s columns nzIdx[0..nz) as a dense {@code rows x nz} row-major block (in {@link #compacted}). */
        float[] compact(float[] a, int off, int rows, int ld, int nz) {
            if (compacted.length < rows * nz) {
                compacted = new float[rows * nz];
            }
            int runs = NonzeroColumns.runs(nzIdx, nz, nzRuns);
            NonzeroColumns.compact(a, off, rows, ld, nzRuns, runs, nz, compacted);
            return compacted;
        }

        /** The non-zero columns of {@code a} (rows x cols, stride ld) into nzIdx; returns their count. */
        int nonzeroColumns(float[] a, int off, int rows, int cols, int ld) {
            if (nzIdx.length < cols) {
                nzBits = new int[cols];
                nzIdx = new int[cols];
                nzRuns = new int[2 * cols];
            }
            return NonzeroColumns.find(a, off, rows, cols, ld, nzBits, nzIdx);
        }
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
     * <p>Input features that are zero in every row of X (blank image borders, one-hot or
     * bag-of-words features, dead ReLU units) contribute exact zeros, so they are left out of k when
     * few enough are non-zero ({@link #SKIP_ZERO_INPUTS}): X's non-zero columns and W^T's matching
     * rows are gathered into the packed panels. The K blocks stay where the dense product puts them
     * and the remaining terms are summed in the same order, so Y is the dense product's to the bit
     * (up to the sign of a zero) for any data and thread count.
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
        Scratch s = SCRATCH.get();
        Job job = s.job;
        job.set(batch, out, in, x, xOff, in, Layout.ROW_MAJOR, wPanels, wOff, ldw, Layout.PANELS,
                0f, y, yOff, out, Layout.ROW_MAJOR, ep);
        int nz = compactInputs(s, job, x, xOff, batch, in);
        if (nz >= 0) {
            // A = X's non-zero columns, compacted; B's matching rows are gathered as it is packed
            job.kIdx = s.nzIdx;
            job.kCount = nz;
        }
        execute(job, pool);
    }

    /**
     * Weight gradient of a dense layer: {@code dW^T (IN,OUT) = X^T . dY}, added to {@code gw} (in
     * {@link Panels} of W^T) when {@code accumulate}, else stored over it. Without accumulate the
     * caller promises that {@code gw} is zero there (the gradients were just zeroed): the rows of
     * input features that are zero in every sample get no contribution and are not written at all
     * (see {@link #forwardPacked}); the other rows are computed exactly as the dense product would.
     */
    public static void weightGradient(int batch, int in, int out, float[] x, int xOff, float[] dy, int dyOff,
                                      boolean accumulate, float[] gw, int gwOff, WorkerPool pool) {
        int ldw = Panels.stride(in);
        float beta = accumulate ? 1f : 0f;
        validate(in, out, batch, x, xOff, in, Layout.TRANSPOSED, dy, dyOff, out, Layout.ROW_MAJOR,
                gw, gwOff, ldw, Layout.PANELS, Epilogue.NONE);
        if (in == 0 || out == 0) {
            return;
        }
        Scratch s = SCRATCH.get();
        Job job = s.job;
        job.set(in, out, batch, x, xOff, in, Layout.TRANSPOSED, dy, dyOff, out, Layout.ROW_MAJOR,
                beta, gw, gwOff, ldw, Layout.PANELS, Epilogue.NONE);
        int nz = compactInputs(s, job, x, xOff, batch, in);
        if (nz >= 0) {
            // A = (X's non-zero columns, compacted)^T; row i of the product is row nzIdx[i] of dW^T
            job.mIdx = s.nzIdx;
            job.m = nz;
        }
        execute(job, pool);
    }

    /**
     * When few enough of X's {@code in} features are non-zero in the batch, makes the job's A their
     * compacted copy ({@code batch x nz}, in the scratch; indices in {@code s.nzIdx}) and returns nz;
     * otherwise leaves the job dense and returns -1.
     */
    private static int compactInputs(Scratch s, Job job, float[] x, int xOff, int batch, int in) {
        if (!SKIP_ZERO_INPUTS || in < SKIP_MIN_INPUTS) {
            return -1;
        }
        int nz = s.nonzeroColumns(x, xOff, batch, in, in);
        if (nz > SKIP_MAX_SHARE * in) {
            return -1;
        }
        job.a = s.compact(x, xOff, batch, in, nz);
        job.aOff = 0;
        job.lda = nz;
        return nz;
    }

    private static final class Job implements WorkerPool.Task {
        int m, n, k, aOff, lda, bOff, ldb, cOff, ldc;
        float[] a, b, c;
        Layout aLayout, bLayout, cLayout;
        float beta;
        Epilogue ep;
        PanelSource source;
        /**
         * Non-null: A holds only the columns {@code kIdx[0..kCount)} (ascending) of the product's k
         * (compacted), and B's rows are gathered to match; {@code k} stays the full depth, so the K
         * blocks are those of the full product.
         */
        int[] kIdx;
        int kCount;
        /** Non-null: row i of A (compacted) and of the product is row {@code mIdx[i]} of C; C's other rows are not touched. */
        int[] mIdx;

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
            kIdx = null;
            mIdx = null;
        }

        @Override
        public void run(int worker, int workers) {
            int nPanels = (n + NR - 1) / NR;
            int mTiles = (m + MR - 1) / MR;
            // Split the dimension whose shares duplicate less packing: every column share packs
            // all of A, every row share packs all of B (nothing when B is already in panels).
            long kk = kIdx != null ? kCount : k;
            long dupIfSplitN = (long) m * kk;
            long dupIfSplitM = bLayout == Layout.PANELS && kIdx == null ? 0 : kk * n;
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
            int kBlocks = (k + KC - 1) / KC;
            int kcStep = (k + kBlocks - 1) / kBlocks; // even blocks; a function of k alone
            boolean panelsB = bLayout == Layout.PANELS && kIdx == null;
            if (!panelsB) {
                int need = kcStep * Math.min(NC, roundUp(n1 - n0, NR));
                if (s.bPack.length < need) {
                    s.bPack = new float[need];
                }
            }
            boolean rowMajorC = cLayout == Layout.ROW_MAJOR;
            boolean rowSweep = rowMajorC && (long) (m1 - m0) * (n1 - n0) > ROW_SWEEP_MIN_C;
            // rows of a B in panels gathered (kIdx) on a column sweep: each panel is packed just
            // before its first tile, so it is still in L1/L2 for the others (all at once evicts it)
            boolean lazyB = kIdx != null && bLayout == Layout.PANELS && !rowSweep;
            boolean directA = DIRECT_A && aLayout == Layout.TRANSPOSED
                    && directSpan(Math.min(MC, m1 - m0), kcStep) <= DIRECT_A_SPAN;
            for (int jc = n0; jc < n1; jc += NC) {
                int nc = Math.min(NC, n1 - jc);
                int lo = 0; // with kIdx: the first index of the current K block
                for (int pc = 0; pc < k; pc += kcStep) {
                    int kc = Math.min(kcStep, k - pc);
                    boolean last = pc + kc >= k;
                    float betaEff = pc == 0 ? beta : 1f;
                    int ka = pc; // the block's first k as packA / packB see it (an index into kIdx with one)
                    if (kIdx != null) {
                        // the block's terms are kIdx[lo..hi): the dense product's blocks, zeros left out
                        int hi = lo;
                        while (hi < kCount && kIdx[hi] < pc + kc) {
                            hi++;
                        }
                        ka = lo;
                        kc = hi - lo;
                        lo = hi;
                    }
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
                        if (!lazyB) {
                            packB(ka, kc, jc, nc, s.bPack);
                        }
                        bp = s.bPack;
                        bBase = 0;
                        bStride = kc * NR;
                    }
                    for (int ic = m0; ic < m1; ic += MC) {
                        int mc = Math.min(MC, m1 - ic);
                        int fullRows = mc / MR * MR;
                        if (!directA) {
                            packA(ic, mc, ka, kc, s.aPack);
                        } else if (fullRows < mc) {
                            packA(ic + fullRows, mc - fullRows, pc, kc, s.aPack); // the ragged last tile only
                        }
                        // Row sweep (rowSweep): one A micro-panel (in L1) against every B panel of the
                        // block, so the C tiles of a band of MR rows are visited left to right, a stream
                        // the hardware prefetchers follow. (A column sweep walks a row-major C at a
                        // stride of ldc and stalls on every tile once C outgrows L2: 1024^3 ran up to 14%
                        // slower.) Column sweep otherwise: the B micro-panel stays in L1 while the A block
                        // streams from L2; taken for a C in panels (the tiles of a panel are contiguous
                        // down its rows) and for a C small enough to stay in L2. One loop nest serves
                        // both orders: the tile body stays inline (a call per tile measured 2-6% slower).
                        int mTiles = (mc + MR - 1) / MR;
                        int nTiles = (nc + NR - 1) / NR;
                        int outer = rowSweep ? mTiles : nTiles;
                        int inner = rowSweep ? nTiles : mTiles;
                        for (int o = 0; o < outer; o++) {
                            if (lazyB && ic == m0) {
                                packB(ka, kc, jc + o * NR, Math.min(NR, nc - o * NR), s.bPack, o * kc * NR);
                            }
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
                                if (mIdx != null && direct && nv == NR) {
                                    // rows scattered over C: the kernel stores each row where it lives
                                    int jo = rowMajorC ? cOff + j : cOff + (j / NR) * ldc;
                                    int rs = rowMajorC ? ldc : NR;
                                    SgemmVectorKernels.k4x2ColA(kc, a, aOff + pc * lda + i, lda, bp, bo, c,
                                            jo + mIdx[i] * rs, jo + mIdx[i + 1] * rs, jo + mIdx[i + 2] * rs,
                                            jo + mIdx[i + 3] * rs, betaEff);
                                } else if (mIdx != null) {
                                    // rows scattered: compute the tile aside, then add/store each row where it lives
                                    if (direct) {
                                        microDirect(kc, i, pc, bp, bo, s.tile, 0, NR, 0f);
                                    } else {
                                        micro(kc, s.aPack, ao, bp, bo, s.tile, 0, NR, 0f, s);
                                    }
                                    for (int r = 0; r < mv; r++) {
                                        int pr = mIdx[i + r];
                                        int cr = rowMajorC ? cOff + pr * ldc + j : cOff + (j / NR) * ldc + pr * NR;
                                        mergeRow(s.tile, r * NR, nv, c, cr, betaEff);
                                    }
                                } else if (mv == MR && nv == NR) {
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
            packB(p0, kc, j0, nc, dst, 0);
        }

        /** As {@link #packB(int, int, int, int, float[])}, the first panel at {@code dst[d0]}. */
        private void packB(int p0, int kc, int j0, int nc, float[] dst, int d0) {
            for (int jr = 0; jr < nc; jr += NR) {
                int d = d0 + (jr / NR) * kc * NR;
                int w = Math.min(NR, nc - jr);
                int j = j0 + jr;
                switch (bLayout) {
                    case PANELS -> {
                        // only with kIdx (otherwise read in place): row p of the panel is B's row kIdx[p0 + p]
                        int src = bOff + (j / NR) * ldb;
                        if (w == NR) {
                            // consecutive rows of a panel are contiguous: copy by runs of kIdx
                            int p = 0;
                            while (p < kc) {
                                int q = p + 1;
                                while (q < kc && kIdx[p0 + q] == kIdx[p0 + q - 1] + 1) {
                                    q++;
                                }
                                System.arraycopy(b, src + kIdx[p0 + p] * NR, dst, d + p * NR, (q - p) * NR);
                                p = q;
                            }
                        } else {
                            for (int p = 0; p < kc; p++) {
                                System.arraycopy(b, src + kIdx[p0 + p] * NR, dst, d + p * NR, w);
                            }
                        }
                    }
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
     * loads at a stride of 16 floats, written out unrolled after one bounds check per row: the
     * loop form ran at ~0.7 ns per element, this at ~0.37 (a 16x16 transpose by 8x8 vector shuffles: ~0.43).
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

    /** One row of a computed tile ({@code t[to..to+nv)}) into C at {@code co}, per the store rule. */
    private static void mergeRow(float[] t, int to, int nv, float[] c, int co, float beta) {
        if (VECTOR && nv == NR) {
            SgemmVectorKernels.mergeRow(t, to, c, co, beta);
        } else {
            SgemmScalarKernels.mergeRow(t, to, nv, c, co, beta);
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
