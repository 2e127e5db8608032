package dev.vecprop.apitest;

import dev.vecprop.Platform;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PlatformTest {
    @Test
    void describesTheVectorConfigurationConsistently() {
        if (Platform.vectorized()) {
            assertThat(Platform.vectorBits()).isIn(128, 256, 512);
            assertThat(Platform.scalarReason()).isEmpty();
            assertThat(Platform.describeVectors()).startsWith(Platform.vectorBits() + "-bit");
        } else {
            assertThat(Platform.vectorBits()).isZero();
            assertThat(Platform.scalarReason()).isPresent();
            assertThat(Platform.describeVectors()).startsWith("scalar (" + Platform.scalarReason().get());
        }
        assertThat(Platform.version()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
        assertThat(Platform.describeKernels()).contains("MR=").contains("KC=");
    }
}
