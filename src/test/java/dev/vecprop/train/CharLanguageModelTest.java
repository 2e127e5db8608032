package dev.vecprop.train;

import dev.vecprop.ConfigException;
import dev.vecprop.data.TextCorpus;
import dev.vecprop.layer.LayerRegistry;
import dev.vecprop.layer.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The character LM end to end on a text with a rule (a repeated phrase): the held-out loss falls
 * far below the uniform 7 bits per character, the saved model reloads to the same loss, and
 * sampling at a low temperature continues the phrase.
 */
class CharLanguageModelTest {
    @Test
    void learnsARepeatedPhraseAndSamplesIt(@TempDir Path dir) {
        String phrase = "the quick brown fox jumps over the lazy dog. ";
        byte[] text = phrase.repeat(60).getBytes(StandardCharsets.US_ASCII);
        TextCorpus all = TextCorpus.of("foxes", text);
        TextCorpus train = all.slice(0, text.length * 9 / 10);
        TextCorpus held = all.slice(text.length * 9 / 10, text.length);
        Sequential m = CharLanguageModel.build(16, 8, 32, 1);
        m.initialize(1);
        double before = CharLanguageModel.evaluate(m, held, 16, null);
        List<CharLanguageModel.Epoch> eps = CharLanguageModel.fit(m, train, held,
                new CharLanguageModel.Options(8, 8, 2e-2, 1.0, 3, 1, 0), null);
        CharLanguageModel.Epoch last = eps.get(eps.size() - 1);
        assertThat(before / Math.log(2)).isGreaterThan(6.5);
        assertThat(last.heldOutBitsPerChar()).isLessThan(1.0);
        Path f = dir.resolve("lm.safetensors");
        Checkpoint.save(f, m, dev.vecprop.data.Normalization.NONE, Map.of());
        Sequential back = Checkpoint.load(f, LayerRegistry.builtIn()).model();
        assertThat(CharLanguageModel.evaluate(back, held, 7, null)).isEqualTo(CharLanguageModel.evaluate(m, held, 7, null));
        String s = CharLanguageModel.sample(back, "the quick ", 40, 0.1, 5);
        assertThat("the quick " + s).startsWith("the quick brown fox jumps");
    }

    @Test
    void rejectsAModelThatIsNotOne() {
        Sequential mlp = ModelSpec.parse("784-10", "relu", 0, false).build();
        assertThatThrownBy(() -> CharLanguageModel.sample(mlp, "", 5, 1, 0)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("a character language model maps (T) ids to (T, 128) logits");
        Sequential lm = CharLanguageModel.build(4, 3, 5, 1);
        assertThatThrownBy(() -> CharLanguageModel.sample(lm, "", 5, 0, 0)).isInstanceOf(ConfigException.class);
    }
}
