package dev.weir.examples.nexmark;

/**
 * Receives one output row field by field (../shared/bench/nexmark.md §2: fields joined by ',',
 * integers in base 10, strings verbatim). A row's field order is written once, in a
 * {@link RowFormat}; the digest and the text of a row both come from it.
 */
public interface RowBuilder {

    RowBuilder field(long value);

    RowBuilder field(String value);
}
