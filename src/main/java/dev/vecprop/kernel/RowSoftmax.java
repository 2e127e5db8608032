package dev.vecprop.kernel;

/**
 * Row-wise softmax, log-softmax and log-sum-exp over a row-major {@code (rows, cols)} block,
 * stable for any finite input (the row maximum is subtracted first). Each row is reduced in
 * index order, in double: deterministic and exact enough to be its own reference. Rows are short
 * (class counts) in the models this serves, so these are scalar by design.
 */
public final class RowSoftmax {
    private RowSoftmax() {}

    /** log(sum_j exp(x_j)) of one row. */
    public static double logSumExp(float[] x, int xo, int cols) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < cols; j++) {
            max = Math.max(max, x[xo + j]);
        }
        if (max == Float.NEGATIVE_INFINITY || Float.isNaN(max)) {
            return max;
        }
        double s = 0;
        for (int j = 0; j < cols; j++) {
            s += Math.exp((double) x[xo + j] - max);
        }
        return max + Math.log(s);
    }

    /** y = softmax(x) per row. */
    public static void softmax(float[] x, int xo, float[] y, int yo, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xi = xo + r * cols;
            int yi = yo + r * cols;
            double lse = logSumExp(x, xi, cols);
            for (int j = 0; j < cols; j++) {
                y[yi + j] = (float) Math.exp(x[xi + j] - lse);
            }
        }
    }

    /** y = log_softmax(x) per row. */
    public static void logSoftmax(float[] x, int xo, float[] y, int yo, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xi = xo + r * cols;
            int yi = yo + r * cols;
            double lse = logSumExp(x, xi, cols);
            for (int j = 0; j < cols; j++) {
                y[yi + j] = (float) (x[xi + j] - lse);
            }
        }
    }

    /** Softmax backward: dx = y * (dy - sum_j dy_j y_j) per row. */
    public static void softmaxBackward(float[] y, int yo, float[] dy, int dyo, float[] dx, int dxo, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int yi = yo + r * cols;
            int gi = dyo + r * cols;
            int di = dxo + r * cols;
            double dot = 0;
            for (int j = 0; j < cols; j++) {
                dot += (double) dy[gi + j] * y[yi + j];
            }
            for (int j = 0; j < cols; j++) {
                dx[di + j] = (float) (y[yi + j] * (dy[gi + j] - dot));
            }
        }
    }

    /** Log-softmax backward: dx = dy - softmax(x) * sum_j dy_j, with y = log_softmax(x). */
    public static void logSoftmaxBackward(float[] y, int yo, float[] dy, int dyo, float[] dx, int dxo, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int yi = yo + r * cols;
            int gi = dyo + r * cols;
            int di = dxo + r * cols;
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += dy[gi + j];
            }
            for (int j = 0; j < cols; j++) {
                dx[di + j] = (float) (dy[gi + j] - Math.exp(y[yi + j]) * sum);
            }
        }
    }
}
