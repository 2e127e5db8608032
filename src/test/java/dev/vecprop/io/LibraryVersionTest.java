package dev.vecprop.io;

import dev.vecprop.train.Checkpoint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LibraryVersionTest {
    @Test
    void isTheFilteredBuildVersion() {
        // The build filters ${project.version} into version.properties; unfiltered or missing reads "unknown".
        assertThat(LibraryVersion.get()).matches("\\d+\\.\\d+\\.\\d+([-.][0-9A-Za-z.-]+)?");
        assertThat(Checkpoint.VERSION).isEqualTo(LibraryVersion.get());
    }
}
