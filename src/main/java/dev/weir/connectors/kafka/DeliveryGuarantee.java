package dev.weir.connectors.kafka;

/** What the Kafka sink promises about duplicates after a failure. */
public enum DeliveryGuarantee {
    /** Flushed at every barrier, no transactions: a restore replays and duplicates what followed. */
    AT_LEAST_ONCE,
    /** Kafka transactions committed when the checkpoint completes; readers must use read_committed. */
    EXACTLY_ONCE
}
