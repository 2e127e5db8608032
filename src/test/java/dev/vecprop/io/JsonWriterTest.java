package dev.vecprop.io;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one JSON writer: escaping, number forms, NaN as null, and that its text parses back. */
class JsonWriterTest {
    @Test
    void escapesQuotesBackslashesAndControlCharacters() {
        assertThat(Json.quote("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
        assertThat(Json.quote("line\nbreak\rtab\t")).isEqualTo("\"line\\nbreak\\rtab\\t\"");
        assertThat(Json.quote("\u0000\u0001\b\f\u001f")).isEqualTo("\"\\u0000\\u0001\\u0008\\u000c\\u001f\"");
        assertThat(Json.quote("")).isEqualTo("\"\"");
        assertThat(Json.object().put("k\"ey\n", "v\\al\"ue").toString()).isEqualTo("{\"k\\\"ey\\n\":\"v\\\\al\\\"ue\"}");
    }

    @Test
    void keepsUnicodeButEscapesLineSeparatorsAndUnpairedSurrogates() {
        assertThat(Json.quote("é 日本 \uD83D\uDE00")).isEqualTo("\"é 日本 \uD83D\uDE00\"");
        assertThat(Json.quote("\u2028\u2029")).isEqualTo("\"\\u2028\\u2029\"");
        assertThat(Json.quote("a\uD800b")).isEqualTo("\"a\\ud800b\"");
        assertThat(Json.quote("\uDC00\uD83D")).isEqualTo("\"\\udc00\\ud83d\"");
        assertThat(Json.quote("\uD800\uD83D\uDE00")).isEqualTo("\"\\ud800\uD83D\uDE00\"");
    }

    @Test
    void everyStringRoundTripsThroughTheParser() {
        for (String s : List.of("plain", "q\"uote", "back\\slash", "\u0000\u0007\u001f\u007f", "\n\r\t\b\f",
                "é 日本 \uD83D\uDE00", "\u2028\u2029", "lone \uD800 high", "lone \uDFFF low", "/slash</script>")) {
            String json = Json.object().put(s, s).toString();
            assertThat(Json.parse(json)).as(json).isEqualTo(Map.of(s, s));
            assertThat(json).doesNotContainPattern("[\\x00-\\x1f\u2028\u2029]");
        }
    }

    @Test
    void numbersAreJavasShortestFormOfTheirType() {
        String json = Json.object().put("d", 0.1).put("small", 1e-4).put("f", 0.99999994f).put("fd", (double) 0.1f)
                .put("i", 42).put("l", Long.MIN_VALUE).put("neg0", -0.0).put("b", true).toString();
        assertThat(json).isEqualTo("{\"d\":0.1,\"small\":1.0E-4,\"f\":0.99999994,\"fd\":0.10000000149011612,"
                + "\"i\":42,\"l\":-9223372036854775808,\"neg0\":-0.0,\"b\":true}");
        Map<?, ?> m = (Map<?, ?>) Json.parse(json);
        assertThat(m.get("small")).isEqualTo(1e-4);
        assertThat(m.get("i")).isEqualTo(42L);
    }

    @Test
    void nanAndInfinityAreWrittenAsNull() {
        String json = Json.object().put("nan", Double.NaN).put("inf", Double.POSITIVE_INFINITY)
                .put("fnan", Float.NaN).put("finf", Float.NEGATIVE_INFINITY)
                .put("a", Json.array().add(Double.NaN).add(Float.POSITIVE_INFINITY).add(1.5)).toString();
        assertThat(json).isEqualTo("{\"nan\":null,\"inf\":null,\"fnan\":null,\"finf\":null,\"a\":[null,null,1.5]}");
        Map<?, ?> m = (Map<?, ?>) Json.parse(json);
        assertThat(m.get("nan")).isNull();
        assertThat(m.get("a")).isEqualTo(Arrays.asList(null, null, 1.5));
    }

    @Test
    void nestsObjectsAndArraysInOrder() {
        Json.ArrayWriter top = Json.array();
        top.add(Json.object().put("class", 3).put("p", 0.5f)).add(Json.object().put("class", 1).put("p", 0.25f));
        String json = Json.object().put("index", 7).put("top", top).put("none", (String) null).putNull("n")
                .put("empty", Json.object()).put("list", Json.array().add("x").add(2).addNull().add(false)).toString();
        assertThat(json).isEqualTo("{\"index\":7,\"top\":[{\"class\":3,\"p\":0.5},{\"class\":1,\"p\":0.25}],"
                + "\"none\":null,\"n\":null,\"empty\":{},\"list\":[\"x\",2,null,false]}");
        assertThat(Json.array().toString()).isEqualTo("[]");
        assertThat(Json.object().toString()).isEqualTo("{}");
    }

    @Test
    void refusesADuplicateKey() {
        Json.ObjectWriter o = Json.object().put("a", 1);
        assertThatThrownBy(() -> o.put("a", 2)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"a\"");
    }
}
