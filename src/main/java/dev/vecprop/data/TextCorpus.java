package dev.vecprop.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A text as a sequence of character ids for character-level language models. The vocabulary is
 * 7-bit ASCII, {@link #VOCAB} ids: a byte below 128 is its own id; any other byte (UTF-8 parts of
 * the rare non-ASCII characters) becomes {@code '?'}. Training samples are windows: window w of
 * {@code steps} characters holds ids {@code [w·steps, (w+1)·steps)} as the input and the ids one
 * character later as the per-step targets (the next character at every step).
 */
public final class TextCorpus {
    /** The number of character ids. */
    public static final int VOCAB = 128;

    /**
     * The files of the Debian package {@code fortunes} (under {@code /usr/share/games/fortunes}) that
     * make up the {@code fortunes} corpus, each with its SHA-256; the corpus is their concatenation in
     * name order (about 2.5 MB of English text: quotations, jokes, definitions, poems).
     */
    public static final Map<String, String> FORTUNES_SHA256 = fortunes();

    private static Map<String, String> fortunes() {
        String[] kv = {
            "art", "600b8197bc994fd4fcbb623aa5e700629540af44f044d4907886bd1031f160ce",
            "ascii-art", "818d0967629e0cd48b69c4b7e93645a7f80bba99ed4f1cd668f42b3d174b7431",
            "computers", "a86be224d9f733b88eeaf8a46ea0427e05cc69c69edcf5f6db47ddf561ca37fd",
            "cookie", "5dc97eee96dcc5287c373be629482730d45f77b59da1287933c9c5f482a055eb",
            "debian", "491dd04bf909b64152bcb554b9bc88df0ca50c0dc676d74d10742bf38aaa50de",
            "definitions", "57be4744c353d931fa2ca95f50215d4b67539f5a527ae628a6441fb4a1258caa",
            "disclaimer", "c085d66ea68686d5e28852cef77c3eeb3640895c5647b148deeaaada2c07fa7b",
            "drugs", "a5a59ee8b0e1fd3085a38dfa29149fe9a2c8d7f256b74aea71aa2cc08a9990c1",
            "education", "ba13321d6d6beb7a6e65296a47450bfc87b24a319fff2e94762011b59a31aa35",
            "ethnic", "61695cb9b60dbee91755027da1fa4f850f4c6386ff38197a48e4ff1696385e19",
            "food", "78077a65b9288df71e7b2a8e8258cd3b1005d1282f7c7e57ad53927f374df45d",
            "goedel", "9d447862c803f22cdf7bb26cb70cca1a7f8a2a7992f2793ddcb43cfcf3302ab0",
            "humorists", "ffdf67e1f4049133bf904b769c364de45e5ae0abfb3ea7c9afb54b87b89acfc4",
            "kids", "82e51834990afd36f2ea2f25864b368e2f44f9c761aba034035b26061de6d5be",
            "knghtbrd", "c25e8373b38a6f159a7b1d336f363d5c962224a6ddcc86279dec47aad3c869b3",
            "law", "f04141f94e788b7899e0adb0490d182ce711f8fdbb8252343a5257e717e9279d",
            "linux", "85b0e5eadf7adeea77da4e1fbd456c962ce3bd1dabbd053098ecf37de9169cf3",
            "linuxcookie", "4f75959924ae5bb1955c30a5c985e641ec17cd5ebb7453d839f94b1988331202",
            "love", "4d4fb7c540e5500e44643524dae41dd7d2b21b80be184253fd9f8541f6029fc5",
            "magic", "b9553a1d84d966db55a24a779206cc4565bf3686c9ecbc31215f654129e3166e",
            "medicine", "18b8c7b098e649024159c9d9f3e37a0832bbd2d5cf3e2317b313134761afd487",
            "men-women", "8fc4eb68a8d16826372d9bfdc910c8ab917b8aa59e2aac533f3ec2b49a1314ba",
            "miscellaneous", "e3d81fd016f9f84a70ecb9aa197c4911aca01a8034e49345b81093f6751bba9c",
            "news", "4b8eebae510353d6f628dfdaf52bf8cbdafb891a122b146421c805b74f389617",
            "paradoxum", "85228975016fe975065eaf0baf55980d32d26f9e2fa99f69da4696d11ac02036",
            "people", "2afb4b9f577be114d2dca279bc5590ee8415e1405295d7d7626c888d82f338e8",
            "perl", "b19145eadf97c31add2e0a199d93ffa0eb92e00275c2724b7ad6b4e412113536",
            "pets", "084472564bc55df566733a224f8a737d78717132ec43628be0c2af466ac41ecc",
            "platitudes", "88448274efec3d2c0908cc11525c9b065b95a32c232a2c58c67a87dd88545ee5",
            "politics", "b56ca45a046edd5c459090a5c6b335332661b436e814b41ac87bb58065ad6131",
            "pratchett", "48410754f1b2091f418ac27421d2764628b23c91427b12809031cf2b39be5b0e",
            "science", "7ab350b142ee6c70c1d8517c5a1b3790c09b190a62859427cad98e6e35a19fcc",
            "songs-poems", "eb714d297b468da91b6ca32baefb000279a3e3740b09f8a87db24fe58e010b1a",
            "sports", "b71dd524d7bca888ec1014fb849a8a15cf58017c59127e572d393ef7632c35c8",
            "startrek", "7b2e4c235b99452b2de4c47d67aae0faac2ea508a2d644609e4ef5db7653c39c",
            "tao", "4adddc35a122bb233a16c076abc0be0326ea3a68594146a6baee3b5f6489e12b",
            "translate-me", "a183879cf46ee4a6176f6b9f0f31adb6abfc6333b64f8fbebeba57017c81e12e",
            "wisdom", "9b0bd6b9331a68c9172219784a411c417c055ed69734edc7b4406795b87d4e94",
            "work", "ad8a0e104160e2c4782fa86e143cd60ffab2872985d4293ffd0af6df19dbfa28",
            "zippy", "b996a112c99a2d61782e1a9a1f3c5445122f18ac312485f2c78279e82ca33932",
        };
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return Collections.unmodifiableMap(m);
    }

    private final String name;
    private final byte[] ids;

    private TextCorpus(String name, byte[] ids) {
        this.name = name;
        this.ids = ids;
    }

    /**
     * {@return the corpus of a text's bytes, mapped to ids as the class comment says}
     *
     * @param name  what to call it in messages
     * @param bytes the text (copied)
     */
    public static TextCorpus of(String name, byte[] bytes) {
        byte[] ids = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = (byte) idOf(bytes[i]);
        }
        return new TextCorpus(name, ids);
    }

    /**
     * Reads files and joins them in the given order.
     *
     * @param name  what to call the corpus in messages
     * @param files the files
     * @return the corpus
     * @throws InvalidDataException if a file cannot be read or the text is shorter than 2 characters
     */
    public static TextCorpus read(String name, List<Path> files) {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (Path f : files) {
            try {
                all.write(Files.readAllBytes(f));
            } catch (IOException e) {
                throw new InvalidDataException(f + ": cannot read (" + e.getMessage() + ")");
            }
        }
        if (all.size() < 2) {
            throw new InvalidDataException(name + ": a corpus needs at least 2 characters, got " + all.size());
        }
        return of(name, all.toByteArray());
    }

    /**
     * {@return the id of a byte: itself below 128, else the id of {@code '?'}}
     *
     * @param b a byte of the text
     */
    public static int idOf(byte b) {
        return b >= 0 ? b : '?';
    }

    /**
     * {@return the character of an id}
     *
     * @param id an id in {@code 0..VOCAB-1}
     */
    public static char charOf(int id) {
        return (char) id;
    }

    /** {@return the name given at creation} */
    public String name() {
        return name;
    }

    /** {@return the number of characters} */
    public int length() {
        return ids.length;
    }

    /**
     * {@return the id of character {@code i}}
     *
     * @param i the position, from 0
     */
    public int id(int i) {
        return ids[i];
    }

    /**
     * {@return the characters {@code [from, to)} as a corpus of their own}
     *
     * @param from the first position
     * @param to   one past the last
     * @throws IndexOutOfBoundsException if the range is not within the corpus
     */
    public TextCorpus slice(int from, int to) {
        java.util.Objects.checkFromToIndex(from, to, ids.length);
        return new TextCorpus(name, java.util.Arrays.copyOfRange(ids, from, to));
    }

    /**
     * {@return the number of whole windows of {@code steps} characters (each needs one more for its
     * last target)}
     *
     * @param steps the window length T, at least 1
     */
    public int windows(int steps) {
        return (ids.length - 1) / steps;
    }

    /**
     * Writes window {@code w}: its ids as floats to {@code x[xo .. xo+steps)} and the next
     * character's id at each step to {@code targets[to .. to+steps)}.
     *
     * @param w       the window, from 0 to {@code windows(steps) - 1}
     * @param steps   the window length T
     * @param x       receives the input ids
     * @param xo      where in {@code x}
     * @param targets receives the target ids
     * @param to      where in {@code targets}
     */
    public void window(int w, int steps, float[] x, int xo, int[] targets, int to) {
        int s = w * steps;
        for (int t = 0; t < steps; t++) {
            x[xo + t] = ids[s + t];
            targets[to + t] = ids[s + t + 1];
        }
    }
}
