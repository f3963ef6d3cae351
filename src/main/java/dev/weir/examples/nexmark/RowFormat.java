package dev.weir.examples.nexmark;

import dev.weir.examples.nexmark.NexmarkEvent.Auction;
import dev.weir.examples.nexmark.NexmarkEvent.Bid;
import dev.weir.examples.nexmark.NexmarkEvent.Person;

/** The fields of a row of type T, in the order the spec gives them. */
@FunctionalInterface
public interface RowFormat<T> {

    void write(T value, RowBuilder row);

    /** The text of {@code value}'s row (tests, debugging). */
    default String text(T value) {
        TextRow row = new TextRow();
        write(value, row);
        return row.toString();
    }

    /** The canonical event line of the pseudo-query {@code events} (spec §1.6). */
    static void event(NexmarkEvent event, RowBuilder row) {
        if (event instanceof Person p) {
            row.field("P").field(p.id()).field(p.name()).field(p.emailAddress()).field(p.creditCard())
                    .field(p.city()).field(p.state()).field(p.dateTime());
        } else if (event instanceof Auction a) {
            row.field("A").field(a.id()).field(a.itemName()).field(a.description()).field(a.initialBid())
                    .field(a.reserve()).field(a.dateTime()).field(a.expires()).field(a.seller()).field(a.category());
        } else {
            Bid b = (Bid) event;
            row.field("B").field(b.auction()).field(b.bidder()).field(b.price()).field(b.channel()).field(b.url())
                    .field(b.dateTime());
        }
    }

    /** A row as text: fields joined by ','. */
    final class TextRow implements RowBuilder {
        private final StringBuilder text = new StringBuilder();
        private boolean first = true;

        @Override
        public RowBuilder field(long value) {
            separate();
            text.append(value);
            return this;
        }

        @Override
        public RowBuilder field(String value) {
            separate();
            text.append(value);
            return this;
        }

        private void separate() {
            if (!first) {
                text.append(',');
            }
            first = false;
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }
}
