package dev.weir.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The verifier must see every kind of wrong output, or the chaos tests prove nothing. */
class WindowedCountVerifierTest {

    /** N=6, K=2, S=10, D=5, W=25: keys alternate 0,1,0,1,...; times 0,15,24,33,42,51 (i*10 + (i*7919 mod 6)). */
    private static final List<String> CORRECT = List.of("0,0,2,2", "1,0,1,1", "1,25,1,3", "0,25,1,4", "1,50,1,5");

    private static WindowedCountVerifier.Report verify(List<String> lines) {
        return WindowedCountVerifier.verify(lines, 6, 2, 10, 5, 25);
    }

    @Test
    void acceptsExactlyTheContractsLines() {
        assertThat(verify(CORRECT).isExactlyOnce()).as(verify(CORRECT).toString()).isTrue();
    }

    @Test
    void reportsDuplicatesMissingWrongAndMalformedLines() {
        List<String> lines = new ArrayList<>(CORRECT);
        lines.add("1,25,1,3");
        assertThat(verify(lines).duplicates()).isEqualTo(1);
        assertThat(verify(CORRECT.subList(1, 5)).missing()).isEqualTo(1);
        assertThat(verify(List.of("0,0,2,3", "1,0,1,1", "1,25,1,3", "0,25,1,4", "1,50,1,5")).wrong()).isEqualTo(1);
        assertThat(verify(List.of("0,0,2,2", "1,0,1,1", "1,25,1,3", "0,25,1,4", "1,50,1,5", "0,75,1,1")).wrong())
                .isEqualTo(1);
        assertThat(verify(List.of("0,0,2", "1,0,1,1", "1,25,1,3", "0,25,1,4", "1,50,1,5")).malformed()).isEqualTo(1);
        for (List<String> bad : List.of(lines, CORRECT.subList(1, 5))) {
            assertThat(verify(bad).isExactlyOnce()).isFalse();
        }
    }
}
