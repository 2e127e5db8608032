package dev.vecprop.layer;

import dev.vecprop.io.Safetensors;
import dev.vecprop.tensor.Param;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The attention layers against PyTorch 1.13 (nn.LayerNorm, nn.MultiheadAttention with causal and
 * key-padding masks, nn.TransformerEncoderLayer(norm_first=True, gelu)) on the fixtures of
 * {@code docs/attention_fixtures.py}: with PyTorch's weights loaded by their state_dict names, the
 * outputs, the input gradient and every parameter gradient of {@code sum(y * dy)} agree within 1e-4
 * (relative to the larger of 1 and the value). {@code -DattentionFixtures=DIR} reads freshly
 * generated files instead of the committed ones (CI does when python3-torch is installed).
 */
class AttentionPyTorchParityTest {
    private static final double TOL = 1e-4;

    private static Safetensors.Contents fixture(String name) throws Exception {
        String dir = System.getProperty("attentionFixtures");
        Path p = dir != null && !dir.isEmpty() ? Path.of(dir, name + ".safetensors")
                : Path.of(AttentionPyTorchParityTest.class.getResource("attention/" + name + ".safetensors").toURI());
        assertThat(Files.isRegularFile(p)).as("fixture " + p).isTrue();
        return Safetensors.read(p);
    }

    private static Supplier<Layer> layerOf(Map<String, String> meta) {
        boolean causal = Boolean.parseBoolean(meta.getOrDefault("causal", "False").toLowerCase());
        return switch (meta.get("module")) {
            case "LayerNorm" -> () -> new LayerNorm(Integer.parseInt(meta.get("features")));
            case "MultiheadAttention" -> () -> new MultiheadSelfAttention(Integer.parseInt(meta.get("embed")),
                    Integer.parseInt(meta.get("heads")), causal);
            case "TransformerEncoderLayer" -> () -> new TransformerEncoderLayer(Integer.parseInt(meta.get("d_model")),
                    Integer.parseInt(meta.get("heads")), Integer.parseInt(meta.get("ff")), causal, 1e-5f);
            default -> throw new IllegalStateException("unknown module " + meta.get("module"));
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"layernorm", "mha", "mha_causal", "mha_padded", "mha_causal_padded",
            "encoder", "encoder_padded", "encoder_causal_padded"})
    void matchesPyTorch(String name) throws Exception {
        Safetensors.Contents c = fixture(name);
        Map<String, Safetensors.Tensor> t = c.tensors();
        long[] xs = t.get("x").shape();
        int batch = (int) xs[0];
        int steps = (int) xs[1];
        int features = (int) xs[2];
        Sequential m = new Sequential(Shape.of(steps, features), layerOf(c.metadata()).get());
        int loaded = 0;
        for (Param p : m.params().all()) {
            String local = p.name().substring(2); // "0."
            Safetensors.Tensor w = t.get(local);
            assertThat(w).as("PyTorch tensor " + local + " in " + name).isNotNull();
            assertThat(w.numel()).as(local).isEqualTo(p.numel());
            for (int i = 0; i < p.numel(); i++) {
                p.set(i, w.data()[i]);
            }
            loaded++;
        }
        assertThat(loaded).isEqualTo(t.keySet().stream().filter(k -> k.startsWith("grad.") && !k.equals("grad.x")).count());
        Context ctx = Context.training(0);
        Safetensors.Tensor lengths = t.get("lengths");
        if (lengths != null) {
            int[] len = new int[batch];
            for (int b = 0; b < batch; b++) {
                len[b] = (int) lengths.data()[b];
            }
            ctx.paddingMask(PaddingMask.ofLengths(steps, len));
        }
        float[] x = t.get("x").data();
        Workspace ws = m.workspace(batch);
        int yo = m.forward(ctx, ws, x, 0, batch);
        float[] y = java.util.Arrays.copyOfRange(ws.data(), yo, yo + x.length);
        close(name + " output y", y, t.get("y").data());
        float[] dy = t.get("dy").data();
        System.arraycopy(dy, 0, ws.data(), ws.outputGradOffset(), dy.length);
        m.params().zeroGrads();
        float[] dx = new float[x.length];
        m.backward(ctx, ws, x, 0, batch, dx, 0);
        close(name + " grad.x", dx, t.get("grad.x").data());
        for (Param p : m.params().trainable()) {
            float[] g = new float[p.numel()];
            for (int i = 0; i < g.length; i++) {
                g[i] = p.grad()[p.index(i)];
            }
            close(name + " grad." + p.name().substring(2), g, t.get("grad." + p.name().substring(2)).data());
        }
    }

    private static void close(String what, float[] got, float[] want) {
        assertThat(got.length).as(what + " size").isEqualTo(want.length);
        double worst = 0;
        int at = -1;
        for (int i = 0; i < got.length; i++) {
            double err = Math.abs(got[i] - want[i]) / Math.max(1.0, Math.abs(want[i]));
            if (!(err <= worst)) {
                worst = err;
                at = i;
            }
        }
        assertThat(worst).as("%s: worst relative error at %d (got %s, PyTorch %s)", what, at,
                at < 0 ? "" : got[at], at < 0 ? "" : want[at]).isLessThanOrEqualTo(TOL);
    }
}
