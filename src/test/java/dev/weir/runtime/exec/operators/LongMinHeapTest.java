package dev.weir.runtime.exec.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.Random;

import org.junit.jupiter.api.Test;

class LongMinHeapTest {

    @Test
    void pollsInAscendingOrderWhateverTheOrderOfAdds() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            LongMinHeap heap = new LongMinHeap();
            PriorityQueue<Long> reference = new PriorityQueue<>();
            int operations = random.nextInt(300);
            List<Long> polled = new ArrayList<>();
            List<Long> expected = new ArrayList<>();
            for (int i = 0; i < operations; i++) {
                if (!reference.isEmpty() && random.nextInt(3) == 0) {
                    polled.add(heap.poll());
                    expected.add(reference.poll());
                } else {
                    long value = random.nextInt(50) - 25L; // duplicates and negatives
                    heap.add(value);
                    reference.add(value);
                }
                assertThat(heap.size()).isEqualTo(reference.size());
            }
            while (!reference.isEmpty()) {
                assertThat(heap.peek()).isEqualTo(reference.peek());
                polled.add(heap.poll());
                expected.add(reference.poll());
            }
            assertThat(polled).isEqualTo(expected);
            assertThat(heap.isEmpty()).isTrue();
        }
    }

    @Test
    void anEmptyHeapHasNoHead() {
        assertThatThrownBy(() -> new LongMinHeap().peek()).isInstanceOf(NoSuchElementException.class);
        assertThatThrownBy(() -> new LongMinHeap().poll()).isInstanceOf(NoSuchElementException.class);
    }
}
