package dev.vecprop.kernel;

import dev.vecprop.concurrent.WorkerPool;

import static dev.vecprop.kernel.Sgemm.*;

/**
 * One GEMM as a {@link WorkerPool.Task}: the BLIS loop nest over cache blocks (NC columns, KC steps,
 * MC rows) and register tiles, the packing of A and B into register-tile panels, and the
 * zero-skipping loop nest of the sparse products. {@link Sgemm} is the API, its checks and its
 * switches; one job per thread is reused call after call ({@link Sgemm#SCRATCH}).
 *
 * <p>(A little over 500 lines: the dense and the zero-skipping loop nests share the job's operands,
 * its split over the workers and its packing, and are checked against each other to the bit.)
 */
final class SgemmJob implements WorkerPool.Task {
    /** Per-thread pack buffers and the job descriptor handed to the workers. */
    static final class Scratch {
        final float[] aPack = new float[MC * KC];
        float[] bPack = new float[0];
        final float[] tile = new float[MR * NR];
        final float[] acc = new float[MR * NR];
        final SgemmJob job = new SgemmJob();
        /** Per register tile of A rows: the kept steps of k (sparse products); tile t's at t*KC. */
        final int[] keep = new int[((MC + SR - 1) / SR) * KC];
        final int[] kept = new int[(MC + SR - 1) / SR];
    }


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
                    } else if (VECTOR && SgemmVectorKernels.TRANSPOSE16 && w == NR) {
                        // 16-row blocks through registers; the rows before the first multiple of 16 and after the last by element
                        int head = Math.min(kc, (16 - (p0 & 15)) & 15);
                        int body = (kc - head) & ~15;
                        gatherTransposedRows(j, w, p0, 0, head, dst, d);
                        SgemmVectorKernels.transposePanelRows(b, bOff + j * NR, ldb, p0 + head, body, dst, d + head * NR);
                        gatherTransposedRows(j, w, p0, head + body, kc, dst, d);
                    } else {
                        gatherTransposedRows(j, w, p0, 0, kc, dst, d);
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

    /** Rows {@code [from, to)} of a B panel from a PANELS_TRANSPOSED B, element by element: the definition. */
    private void gatherTransposedRows(int j, int w, int p0, int from, int to, float[] dst, int d) {
        for (int p = from; p < to; p++) {
            int pp = p0 + p;
            int src = bOff + (pp / NR) * ldb + pp % NR + j * NR;
            int dp = d + p * NR;
            for (int jj = 0; jj < w; jj++) {
                dst[dp + jj] = b[src + jj * NR];
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
}
