package dev.weir.connectors.file;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PartNameTest {

    @Test
    void showsSubtaskCheckpointAttemptAndSequence() {
        PartName name = new PartName("part", 1, 42, 3, 0);
        assertThat(name.name()).isEqualTo("part-1-chk42-a3-0");
        assertThat(PartName.parse("part", "part-1-chk42-a3-0")).isEqualTo(name);
        assertThat(PartName.parse("my-out", "my-out-12-chk9000000000-a7-15"))
                .isEqualTo(new PartName("my-out", 12, 9_000_000_000L, 7, 15));
    }

    @Test
    void otherNamesAreNotParts() {
        assertThat(PartName.parse("part", "part-x-not-ours")).isNull();
        assertThat(PartName.parse("part", "part-0-0-0")).isNull(); // the names before checkpoints were in them
        assertThat(PartName.parse("part", "other-1-chk42-a3-0")).isNull();
        assertThat(PartName.parse("part", "part-1-chk42-a3-0.inprogress")).isNull();
        assertThat(PartName.parse("part", "part-1-chk-4-a3-0")).isNull();
    }
}
