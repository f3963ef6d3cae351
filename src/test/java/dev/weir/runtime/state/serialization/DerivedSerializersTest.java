package dev.weir.runtime.state.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** {@link Types#of}: serializers derived once from a type, for records of plain data. */
class DerivedSerializersTest {

    enum Kind { BID, ASK }

    record Price(long cents, String currency) {}

    private record Order(long id, int quantity, double weight, boolean open, Kind kind, String note, Long parent,
                         Price price, List<String> tags, Map<String, Price> byVenue, byte[] payload, float f, short s,
                         byte b, char c, Character boxedChar) {}

    record Generic<T>(T value) {}

    record WithObject(Object value) {}

    record Node(long id, Node next) {}

    record Rating(String who, java.util.Optional<Integer> stars) {}

    @Test
    void aRecordOfPlainDataRoundTripsWithNullsNestingAndCollections() throws IOException {
        Map<String, Price> byVenue = new LinkedHashMap<>();
        byVenue.put("xnas", new Price(1999, "USD"));
        byVenue.put("none", null);
        Order order = new Order(7, 3, 0.25, true, Kind.ASK, null, null, new Price(2000, "EUR"),
                new ArrayList<>(Arrays.asList("a", null, "c")), byVenue, new byte[] {1, 2}, 1.5f, (short) 9, (byte) -1,
                'x', null);
        TypeSerializer<Order> serializer = Types.of(Order.class);

        Order back = roundTrip(serializer, order);
        assertThat(back).usingRecursiveComparison().isEqualTo(order);
        assertThat(back.byVenue().keySet()).containsExactly("xnas", "none");

        Order copy = serializer.copy(order);
        assertThat(copy).usingRecursiveComparison().isEqualTo(order);
        assertThat(copy.tags()).isNotSameAs(order.tags());
        assertThat(copy.payload()).isNotSameAs(order.payload());
    }

    @Test
    void primitivesBoxesStringsAndEnumsAreDerivedToo() throws IOException {
        assertThat(Types.of(Long.class)).isSameAs(Types.LONG);
        assertThat(Types.of(long.class)).isSameAs(Types.LONG);
        assertThat(Types.of(String.class)).isSameAs(Types.STRING);
        assertThat(roundTrip(Types.of(Kind.class), Kind.BID)).isEqualTo(Kind.BID);
    }

    @Test
    void whatCannotBeDerivedIsRefusedNamingTheComponent() {
        assertThatThrownBy(() -> Types.of(WithObject.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("WithObject.value (java.lang.Object)");
        assertThatThrownBy(() -> Types.of(Generic.class)).hasMessageContaining("Generic.value (T): its type is not concrete");
        assertThatThrownBy(() -> Types.of(Node.class)).hasMessageContaining("Node.next").hasMessageContaining("contains itself");
        assertThatThrownBy(() -> Types.of(Rating.class)).hasMessageContaining("Rating.stars")
                .hasMessageContaining("only List<...> and Map<...>");
        assertThatThrownBy(() -> Types.of(List.class)).hasMessageContaining("Types.list(");
        assertThat(Types.derivable(Price.class)).isTrue();
        assertThat(Types.derivable(WithObject.class)).isFalse();
    }

    private static <T> T roundTrip(TypeSerializer<T> serializer, T value) throws IOException {
        DataOutputBuffer out = new DataOutputBuffer(64);
        serializer.serialize(value, out);
        serializer.serialize(value, out);
        DataInputBuffer in = new DataInputBuffer();
        in.reset(out.array(), 0, out.length());
        T first = serializer.deserialize(in);
        T second = serializer.deserialize(in);
        assertThat(second).usingRecursiveComparison().isEqualTo(first);
        return first;
    }
}
