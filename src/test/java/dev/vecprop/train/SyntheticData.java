package dev.vecprop.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** A small learnable MNIST-like data set written as the four IDX files (test fixture). */
final class SyntheticData {
    private SyntheticData() {}

    /** {@code classes} classes of {@code side x side} images: a bright bar at a class-specific row, plus noise. */
    static Path write(Path dir, int train, int test, int side, int classes, long seed) throws IOException {
        Random r = new Random(seed);
        write(dir, "train", train, side, classes, r);
        write(dir, "t10k", test, side, classes, r);
        return dir;
    }

    private static void write(Path dir, String split, int n, int side, int classes, Random r) throws IOException {
        ByteBuffer img = ByteBuffer.allocate(16 + n * side * side);
        img.putInt(0x00000803).putInt(n).putInt(side).putInt(side);
        ByteBuffer lab = ByteBuffer.allocate(8 + n);
        lab.putInt(0x00000801).putInt(n);
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(classes);
            lab.put((byte) c);
            int row = c * side / classes;
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    int v = r.nextInt(60) + (y == row ? 180 : 0);
                    img.put((byte) Math.min(255, v));
                }
            }
        }
        Files.write(dir.resolve(split + "-images-idx3-ubyte"), img.array());
        Files.write(dir.resolve(split + "-labels-idx1-ubyte"), lab.array());
    }
}
