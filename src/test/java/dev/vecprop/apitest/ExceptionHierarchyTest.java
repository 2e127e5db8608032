package dev.vecprop.apitest;

import dev.vecprop.ConfigException;
import dev.vecprop.VecpropException;
import dev.vecprop.check.GradCheck;
import dev.vecprop.io.Json;
import dev.vecprop.io.MalformedJsonException;
import dev.vecprop.io.Safetensors;
import dev.vecprop.layer.Linear;
import dev.vecprop.train.ModelSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Entry points outside the property test's reach throw the library's exceptions, never bare JDK ones. */
class ExceptionHierarchyTest {
    @TempDir
    Path dir;

    @Test
    void malformedJsonIsAVecpropExceptionWithTheOffset() {
        assertThatThrownBy(() -> Json.parse("{\"a\": 1,}")).isInstanceOf(MalformedJsonException.class)
                .isInstanceOf(VecpropException.class).hasMessageContaining("at character 8");
        assertThatThrownBy(() -> Json.parse("[1] x")).isInstanceOf(MalformedJsonException.class)
                .hasMessageContaining("trailing characters");
    }

    @Test
    void writingTensorsSafetensorsCannotHoldIsAConfigException() {
        Safetensors.Tensor t = new Safetensors.Tensor("F32", new long[]{2}, new float[]{1, 2});
        assertThatThrownBy(() -> Safetensors.write(dir.resolve("a"), Map.of("__metadata__", t), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("__metadata__");
        Safetensors.Tensor shortData = new Safetensors.Tensor("F32", new long[]{3}, new float[]{1, 2});
        assertThatThrownBy(() -> Safetensors.write(dir.resolve("b"), Map.of("w", shortData), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("w");
    }

    @Test
    void aMalformedArchitectureStringIsAConfigException() {
        assertThatThrownBy(() -> ModelSpec.decode("mlp 784-10 act=relu dropout=lots batchnorm=false"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("dropout must be a number");
        assertThatThrownBy(() -> ModelSpec.decode("mlp 784-10 act=relu dropout=0.0 batchnorm=maybe"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("batchnorm must be true or false");
        assertThat(ModelSpec.decode("mlp 784-10 act=relu dropout=0.0 batchnorm=true").batchNorm()).isTrue();
    }

    @Test
    void gradCheckOptionsAreChecked() {
        GradCheck.Options o = GradCheck.Options.defaults();
        assertThatThrownBy(() -> o.withBatch(0)).isInstanceOf(ConfigException.class).hasMessageContaining("batch");
        assertThatThrownBy(() -> o.withStep(0)).isInstanceOf(ConfigException.class).hasMessageContaining("step");
        assertThatThrownBy(() -> o.withStep(Double.NaN)).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> o.withRtol(Double.POSITIVE_INFINITY)).isInstanceOf(ConfigException.class);
    }

    @Test
    void aLayerUsedBeforeItIsInAModelSaysSo() {
        Linear l = new Linear(3, 2);
        assertThatThrownBy(l::outputShape).isInstanceOf(ConfigException.class).hasMessageContaining("not built into a model");
    }
}
