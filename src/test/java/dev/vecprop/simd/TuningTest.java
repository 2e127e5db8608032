package dev.vecprop.simd;

import dev.vecprop.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The switch parser as a pure function of a property map: no system property is set. */
class TuningTest {
    private static Tuning.Settings parse(Map<String, String> props) {
        return Tuning.parse(props::get);
    }

    @Test
    void unsetSwitchesTakeTheirDefaults() {
        Tuning.Settings s = parse(Map.of());
        assertThat(s.vectorBits()).isEqualTo(-1);
        assertThat(s.tile()).isNull();
        assertThat(s.kc()).isZero();
        assertThat(s.mc()).isEqualTo(144);
        assertThat(s.nc()).isEqualTo(4096);
        assertThat(s.packAScalar()).isFalse();
        assertThat(s.gemmDirectA()).isTrue();
        assertThat(s.rowSweepMinC()).isEqualTo(65536);
        assertThat(s.skipZeroInputs()).isTrue();
        assertThat(s.skipZeroMaxShare()).isEqualTo(0.6);
        assertThat(s.convInputGrad()).isEqualTo("auto");
        assertThat(s.given()).isEmpty();
    }

    @Test
    void blankValuesMeanTheDefault() {
        Tuning.Settings s = parse(Map.of("vecprop.vectorBits", "", "vecprop.tile", "  ", "vecprop.kc", " ",
                "vecprop.skipZeroMaxShare", ""));
        assertThat(s.vectorBits()).isEqualTo(-1);
        assertThat(s.tile()).isNull();
        assertThat(s.kc()).isZero();
        assertThat(s.skipZeroMaxShare()).isEqualTo(0.6);
    }

    @Test
    void acceptsEveryDocumentedValue() {
        for (String bits : List.of("0", "128", "256", "512")) {
            assertThat(parse(Map.of("vecprop.vectorBits", bits)).vectorBits()).isEqualTo(Integer.parseInt(bits));
        }
        for (String tile : Tuning.TILES) {
            assertThat(parse(Map.of("vecprop.tile", tile)).tile()).isEqualTo(tile);
        }
        Tuning.Settings s = parse(Map.ofEntries(
                Map.entry("vecprop.tile", " 6X2 "),
                Map.entry("vecprop.kc", "64"),
                Map.entry("vecprop.mc", "24"),
                Map.entry("vecprop.nc", " 64"),
                Map.entry("vecprop.packA", "scalar"),
                Map.entry("vecprop.gemmDirectA", "off"),
                Map.entry("vecprop.rowSweepMinC", "0"),
                Map.entry("vecprop.skipZeroInputs", "OFF"),
                Map.entry("vecprop.skipZeroMaxShare", "1"),
                Map.entry("vecprop.convInputGrad", "full")));
        assertThat(s.tile()).isEqualTo("6x2");
        assertThat(s.kc()).isEqualTo(64);
        assertThat(s.mc()).isEqualTo(24);
        assertThat(s.nc()).isEqualTo(64);
        assertThat(s.packAScalar()).isTrue();
        assertThat(s.gemmDirectA()).isFalse();
        assertThat(s.rowSweepMinC()).isZero();
        assertThat(s.skipZeroInputs()).isFalse();
        assertThat(s.skipZeroMaxShare()).isEqualTo(1.0);
        assertThat(s.convInputGrad()).isEqualTo("full");
        assertThat(s.given()).containsEntry("vecprop.tile", "6X2").containsEntry("vecprop.nc", "64").hasSize(10);

        assertThat(parse(Map.of("vecprop.convInputGrad", "cols")).convInputGrad()).isEqualTo("cols");
        assertThat(parse(Map.of("vecprop.convInputGrad", "auto")).convInputGrad()).isEqualTo("auto");
        assertThat(parse(Map.of("vecprop.packA", "auto")).packAScalar()).isFalse();
        assertThat(parse(Map.of("vecprop.gemmDirectA", "auto")).gemmDirectA()).isTrue();
        assertThat(parse(Map.of("vecprop.skipZeroMaxShare", "0")).skipZeroMaxShare()).isZero();
        assertThat(parse(Map.of("vecprop.skipZeroMaxShare", "0.39")).skipZeroMaxShare()).isEqualTo(0.39);
        assertThat(parse(Map.of("vecprop.rowSweepMinC", "1000000")).rowSweepMinC()).isEqualTo(1_000_000);
    }

    @Test
    void rejectsBadValuesNamingThePropertyAndTheAcceptedValues() {
        Map<String, String> bad = Map.ofEntries(
                Map.entry("vecprop.vectorBits", "384"),
                Map.entry("vecprop.tile", "5x2"),
                Map.entry("vecprop.kc", "0"),
                Map.entry("vecprop.mc", "-24"),
                Map.entry("vecprop.nc", "4k"),
                Map.entry("vecprop.packA", "vector"),
                Map.entry("vecprop.gemmDirectA", "on"),
                Map.entry("vecprop.rowSweepMinC", "abc"),
                Map.entry("vecprop.skipZeroInputs", "false"),
                Map.entry("vecprop.skipZeroMaxShare", "1.5"),
                Map.entry("vecprop.convInputGrad", "fulll"));
        Map<String, String> expected = Map.ofEntries(
                Map.entry("vecprop.vectorBits", "-Dvecprop.vectorBits=384: expected one of 0, 128, 256, 512"),
                Map.entry("vecprop.tile", "-Dvecprop.tile=5x2: expected one of 4x2, 6x2"),
                Map.entry("vecprop.kc", "-Dvecprop.kc=0: expected a positive integer"),
                Map.entry("vecprop.mc", "-Dvecprop.mc=-24: expected a positive integer"),
                Map.entry("vecprop.nc", "-Dvecprop.nc=4k: expected a positive integer"),
                Map.entry("vecprop.packA", "-Dvecprop.packA=vector: expected one of auto, scalar"),
                Map.entry("vecprop.gemmDirectA", "-Dvecprop.gemmDirectA=on: expected one of auto, off"),
                Map.entry("vecprop.rowSweepMinC", "-Dvecprop.rowSweepMinC=abc: expected a non-negative integer"),
                Map.entry("vecprop.skipZeroInputs", "-Dvecprop.skipZeroInputs=false: expected one of auto, off"),
                Map.entry("vecprop.skipZeroMaxShare", "-Dvecprop.skipZeroMaxShare=1.5: expected a number in [0, 1]"),
                Map.entry("vecprop.convInputGrad", "-Dvecprop.convInputGrad=fulll: expected one of auto, full, cols"));
        for (Map.Entry<String, String> e : bad.entrySet()) {
            assertThatThrownBy(() -> parse(Map.of(e.getKey(), e.getValue())))
                    .as(e.getKey()).isInstanceOf(ConfigException.class).hasMessage(expected.get(e.getKey()));
        }
        // all of them at once: one line, every switch named
        assertThatThrownBy(() -> parse(bad)).isInstanceOf(ConfigException.class)
                .satisfies(t -> {
                    assertThat(t.getMessage()).doesNotContain("\n");
                    for (String m : expected.values()) {
                        assertThat(t.getMessage()).contains(m);
                    }
                });
    }

    @Test
    void rejectsNumbersOutOfRangeAndNotANumber() {
        for (String v : List.of("NaN", "-0.1", "Infinity", "x")) {
            assertThatThrownBy(() -> parse(Map.of("vecprop.skipZeroMaxShare", v))).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("-Dvecprop.skipZeroMaxShare=" + v + ":");
        }
        assertThatThrownBy(() -> parse(Map.of("vecprop.kc", "3000000000"))).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> parse(Map.of("vecprop.rowSweepMinC", "-1"))).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> parse(Map.of("vecprop.vectorBits", "256.0"))).isInstanceOf(ConfigException.class);
    }

    @Test
    void aControlCharacterInABadValueKeepsTheMessageOnOneLine() {
        assertThatThrownBy(() -> parse(Map.of("vecprop.convInputGrad", "full\ncols")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("-Dvecprop.convInputGrad=full?cols: expected one of auto, full, cols");
    }

    @Test
    void describesEverySwitchWithItsValueAndDefault() {
        List<String> lines = Tuning.describe(parse(Map.of("vecprop.kc", "64")));
        assertThat(lines).hasSize(11);
        for (String name : List.of("vectorBits", "tile", "kc", "mc", "nc", "packA", "gemmDirectA", "rowSweepMinC",
                "skipZeroInputs", "skipZeroMaxShare", "convInputGrad")) {
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("-Dvecprop." + name + " ").contains("default"));
        }
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("-Dvecprop\\.kc +64 +default .*"));
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("-Dvecprop\\.convInputGrad +unset +default auto; accepts auto, full, cols"));
        assertThat(Tuning.describe()).hasSize(11);
    }

    @Test
    void warnsOnlyAboutVecpropPropertiesThatAreNotSwitches() {
        assertThat(Tuning.unknown(List.of("vecprop.kc", "vecprop.kcc", "vecprop.data", "vecprop.test.jvmArgs",
                "java.home", "vecprop.convInputgrad"))).containsExactly("vecprop.convInputgrad", "vecprop.kcc");
    }

    @Test
    void theConstantsAreTheParsedSystemProperties() {
        Tuning.Settings s = Tuning.parse(System::getProperty);
        assertThat(Tuning.VECTOR_BITS).isEqualTo(s.vectorBits());
        assertThat(Tuning.TILE).isEqualTo(s.tile());
        assertThat(Tuning.KC).isEqualTo(s.kc());
        assertThat(Tuning.ROW_SWEEP_MIN_C).isEqualTo(s.rowSweepMinC());
        assertThat(Tuning.CONV_INPUT_GRAD).isEqualTo(s.convInputGrad());
        if (Tuning.KC > 0) {
            assertThat(GemmTiling.KC).isEqualTo(Tuning.KC);
        }
    }
}
