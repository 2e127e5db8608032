package dev.vecprop.loss;

/** Label validation shared by the classification losses. */
final class Labels {
    private Labels() {}

    static int check(String loss, int[] y, int yo, int b, int classes) {
        int idx = yo + b;
        if (idx < 0 || idx >= y.length) {
            throw new IllegalArgumentException(loss + ": no label for sample " + b + " (labels array of "
                    + y.length + " from offset " + yo + ")");
        }
        int label = y[idx];
        if (label < 0 || label >= classes) {
            throw new IllegalArgumentException(loss + ": label " + label + " of sample " + b + " is outside 0.."
                    + (classes - 1));
        }
        return label;
    }
}
