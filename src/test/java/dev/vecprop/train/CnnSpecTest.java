package dev.vecprop.train;

import dev.vecprop.layer.Layer;
import dev.vecprop.layer.Sequential;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CnnSpecTest {

    private static List<String> describe(Sequential m) {
        return m.layers().stream().map(Layer::describe).toList();
    }

    @Test
    void presetsAreTheAnchorsNetworks() {
        Sequential lenet = ModelSpec.parse("lenet", "relu", 0, false).build();
        assertThat(describe(lenet)).containsExactly("Conv2d(1->6, k=5)", "ReLU", "MaxPool2d(2)", "Conv2d(6->16, k=5)",
                "ReLU", "MaxPool2d(2)", "Flatten", "Linear(256->120)", "ReLU", "Linear(120->84)", "ReLU", "Linear(84->10)");
        Sequential convnet = ModelSpec.parse("convnet", "relu", 0, false).build();
        assertThat(describe(convnet)).containsExactly("Conv2d(1->32, k=3)", "ReLU", "Conv2d(32->64, k=3)", "ReLU",
                "MaxPool2d(2)", "Dropout(0.25)", "Flatten", "Linear(9216->128)", "ReLU", "Dropout(0.5)", "Linear(128->10)");
        assertThat(convnet.params().parameterCount()).isEqualTo(1_199_882L); // PyTorch's count for this net
    }

    @Test
    void customSpellingBuildsAndRoundTripsThroughCheckpointText() {
        String arch = "1x28x28-conv8x3p1-bn-relu-maxpool2-conv16x3s2p1g2-gelu-gap-fc10";
        ModelSpec spec = ModelSpec.parse(arch, "relu", 0, false);
        Sequential m = spec.build();
        assertThat(describe(m)).containsExactly("Conv2d(1->8, k=3, padding=1)", "BatchNorm2d(8)", "ReLU", "MaxPool2d(2)",
                "Conv2d(8->16, k=3, stride=2, padding=1, groups=2)", "GELU", "GlobalAvgPool2d", "Flatten",
                "Linear(16->10)");
        assertThat(spec.inputs()).isEqualTo(784);
        assertThat(spec.outputs()).isEqualTo(10);
        assertThat(ModelSpec.decode(spec.encode())).isEqualTo(spec);
        assertThat(ModelSpec.decode("cnn lenet")).isEqualTo(ModelSpec.parse("lenet", "relu", 0, false));
        assertThat(CnnSpec.isCnn("784-256-10")).isFalse();
        for (String mlp : new String[]{"mlp", "mlp-small", "binary", "784-128-64-1"}) {
            assertThat(CnnSpec.isCnn(mlp)).as(mlp).isFalse();
            assertThat(ModelSpec.parse(mlp, "relu", 0, false).build().layers().get(0).describe()).startsWith("Linear(784->");
        }
        assertThat(ModelSpec.parse("mlp", "relu", 0, false).sizes()).containsExactly(784, 256, 128, 10);
    }

    @Test
    void badSpellingsNameTheToken() {
        assertThatThrownBy(() -> ModelSpec.parse("conv8x3-relu-pool2-fc10", "relu", 0, false))
                .isInstanceOf(dev.vecprop.ConfigException.class).hasMessageContaining("'pool2'");
        assertThatThrownBy(() -> ModelSpec.parse("conv8x29-fc10", "relu", 0, false))
                .hasMessageContaining("'conv8x29'").hasMessageContaining("shrink");
        assertThatThrownBy(() -> ModelSpec.parse("conv8x3-relu", "relu", 0, false))
                .hasMessageContaining("must end with fc");
        assertThatThrownBy(() -> ModelSpec.parse("fc10-conv8x3-fc10", "relu", 0, false))
                .hasMessageContaining("'conv8x3'").hasMessageContaining("flattened");
        assertThatThrownBy(() -> ModelSpec.parse("conv6x3g4-fc10", "relu", 0, false))
                .hasMessageContaining("groups");
    }
}
