package dev.vecprop.spark;

import dev.vecprop.data.Normalization;

import java.io.Serializable;

/**
 * Training data as IDX files (an image file and a label file, raw, as MNIST's) at a path every
 * executor and the driver can read: a shared mount (NFS, a cluster file system mounted on every
 * node) or the same local path on every machine. Each task memory-maps the files; partition
 * {@code p} of {@code P} owns samples {@code [p n / P, (p+1) n / P)}.
 *
 * @param images        the image file's path
 * @param labels        the label file's path
 * @param classes       the number of classes ({@code <= 0}: the largest label + 1)
 * @param normalization the normalisation applied to the pixels scaled to [0, 1]
 */
public record IdxFiles(String images, String labels, int classes, Normalization normalization) implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Checks the paths.
     *
     * @throws IllegalArgumentException if a path or the normalisation is null
     */
    public IdxFiles {
        if (images == null || labels == null || normalization == null) {
            throw new IllegalArgumentException("IdxFiles: images, labels and normalization must not be null");
        }
    }
}
