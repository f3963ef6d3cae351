package dev.weir.examples.nexmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The jump over a string is the byte-by-byte FNV-1a, from any state; the cache gives it to strings that repeat. */
class Fnv1a64JumpTest {

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "a", ",", "Facebook", "https://www.nexmark.com/facebook/item.htm?query=1", "Zürich ∑ 😀"})
    void jumpEqualsTheByteLoopFromAnyState(String text) {
        Fnv1a64Jump jump = Fnv1a64Jump.over(text);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        SplittableRandom random = new SplittableRandom(text.hashCode());
        for (int i = 0; i < 10_000; i++) {
            long state = i < 256 ? i : random.nextLong();
            assertThat(jump.apply(state)).as("from %x", state).isEqualTo(Fnv1a64Row.bytes(state, bytes));
        }
    }

    @Test
    void aStringGetsItsJumpAfterRepeatingAndAOneOffStringNever() {
        Fnv1a64Jumps jumps = new Fnv1a64Jumps();
        String hot = "https://www.nexmark.com/apple/item.htm?query=1";
        for (int i = 1; i < Fnv1a64Jumps.PROMOTE_AFTER; i++) {
            assertThat(jumps.find(hot)).as("hit %d", i).isNull();
        }
        Fnv1a64Jump jump = jumps.find(hot);
        assertThat(jump).isNotNull();
        assertThat(jumps.find(hot)).isSameAs(jump);
        assertThat(jumps.find(new String(hot))).as("an equal string that is another object").isNull();
    }

    @Test
    void oneOffStringsInTheSameSlotDoNotEvictAHotOneButAStringThatStopsComingIsReplaced() {
        Fnv1a64Jumps jumps = new Fnv1a64Jumps();
        String hot = "a string seen often";
        for (int i = 0; i < 100; i++) {
            jumps.find(hot);
        }
        Fnv1a64Jump jump = jumps.find(hot);
        int slot = System.identityHashCode(hot) & 63;
        for (int i = 0; i < 50; i++) {
            assertThat(jumps.find(inSlot(slot, "one-off " + i))).isNull();
            assertThat(jumps.find(hot)).isSameAs(jump);
        }
        String next = inSlot(slot, "the next hot string");
        for (int i = 0; i < 10_000 && jumps.find(next) == null; i++) {
            // the old string stopped coming: its hits run down, then the new one counts up to its jump
        }
        assertThat(jumps.find(next)).isNotNull();
        assertThat(jumps.find(hot)).isNull();
    }

    @Test
    void rowsHashTheSameBeforeAndAfterTheirStringsGetJumps() {
        Fnv1a64Row row = new Fnv1a64Row();
        String[] urls = {"https://www.nexmark.com/google/item.htm?query=1", "https://www.nexmark.com/baidu/item.htm?query=1"};
        for (int i = 0; i < 3 * Fnv1a64Jumps.PROMOTE_AFTER; i++) {
            String url = urls[i % 2];
            row.reset().field(i).field("Google").field(url).field(1_767_225_600_000L + i);
            assertThat(row.hash()).as("row %d", i).isEqualTo(Fnv1a64Row.of(i + ",Google," + url + "," + (1_767_225_600_000L + i)));
        }
    }

    /** A new string whose identity hash falls in {@code slot} of the cache. */
    private static String inSlot(int slot, String text) {
        while (true) {
            String candidate = new String(text);
            if ((System.identityHashCode(candidate) & 63) == slot) {
                return candidate;
            }
        }
    }
}
