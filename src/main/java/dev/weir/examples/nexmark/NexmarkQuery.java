package dev.weir.examples.nexmark;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import dev.weir.examples.nexmark.NexmarkEvent.Bid;
import dev.weir.runtime.dataflow.DataStream;
import dev.weir.runtime.dataflow.functions.AggregateFunction;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.windowing.SessionWindows;
import dev.weir.runtime.dataflow.windowing.SlidingWindows;
import dev.weir.runtime.dataflow.windowing.TimeWindow;
import dev.weir.runtime.dataflow.windowing.TumblingWindows;
import dev.weir.runtime.state.serialization.Types;

/**
 * The Nexmark queries of ../shared/bench/nexmark.md §3: each reads the one
 * event stream, keeps the kinds it needs, projects before any shuffle and ends in a
 * {@link DigestSink}. q5, q7, q8 and q11 run on event time (sliding, tumbling and session
 * windows; q8 a window join).
 */
public enum NexmarkQuery {

    /** Every event as its canonical line: checks the generator. */
    EVENTS {
        @Override
        void define(DataStream<NexmarkEvent> events, Path output) {
            events.sinkTo(new DigestSink<>(output, RowFormat::event)).uid("digest");
        }
    },
    /** Pass-through: every bid. */
    Q0 {
        @Override
        void define(DataStream<NexmarkEvent> events, Path output) {
            bids(events).sinkTo(new DigestSink<>(output, NexmarkQuery::q0Row)).uid("digest");
        }
    },
    /** Currency conversion: every bid with its price in euro cents, truncated. */
    Q1 {
        @Override
        void define(DataStream<NexmarkEvent> events, Path output) {
            bids(events).map(b -> new EuroBid(b.auction(), b.bidder(), (b.price() * 908) / 1000, b.dateTime()))
                    .uid("to-euro")
                    .sinkTo(new DigestSink<>(output, EuroBid::row)).uid("digest");
        }
    },
    /** Selection: the bids on auctions whose id is a multiple of 123. */
    Q2 {
        @Override
        void define(DataStream<NexmarkEvent> events, Path output) {
            bids(events).filter(b -> b.auction() % 123 == 0).uid("select")
                    .map(b -> new AuctionPrice(b.auction(), b.price())).uid("project")
                    .sinkTo(new DigestSink<>(output, AuctionPrice::row)).uid("digest");
        }
    },
    /** Local item suggestion: category-10 auctions joined with their sellers from OR, ID and CA. */
    Q3 {
        @Override
        void define(DataStream<NexmarkEvent> events, Path output) {
            events.flatMap(LocalItemSuggestion::select).uid("select").returns(LocalItemSuggestion.Input.SERIALIZER)
                    .keyBy(LocalItemSuggestion.Input::key, Types.LONG)
                    .process(new LocalItemSuggestion()).uid("join")
                    .sinkTo(new DigestSink<>(output, LocalItemSuggestion.Suggestion::row)).uid("digest");
        }
    },
    /**
     * Hot items: per sliding window (10 s every 2 s), the auctions with the most bids. Two stages: bids
     * per auction and window, then per window the auctions at its highest count. A first-stage result
     * carries its window's last millisecond as its time; window ends are 2 s apart, so a tumbling 2 s
     * window of the second stage holds exactly one of them.
     */
    Q5 {
        @Override
        void define(DataStream<NexmarkEvent> events, Path output) {
            bids(events).map(Bid::auction).uid("auction").returns(Types.LONG)
                    .keyBy(auction -> auction, Types.LONG)
                    .window(SlidingWindows.ofEventTime(Duration.ofMillis(10_000), Duration.ofMillis(2_000)))
                    .aggregate(new Count<Long>(), Types.LONG,
                            (Long auction, TimeWindow window, Iterable<Long> counts, Collector<HighestBids.PricedBid> out) -> {
                                for (Long count : counts) {
                                    // (window end, auction, count) in PricedBid's three longs
                                    out.collect(new HighestBids.PricedBid(window.end(), auction, count));
                                }
                            })
                    .uid("bids-per-auction").returns(HighestBids.PricedBid.SERIALIZER)
                    .keyBy(HighestBids.PricedBid::auction, Types.LONG)
                    .window(TumblingWindows.ofEventTime(Duration.ofMillis(2_000)))
                    .aggregate(new MostBids(), HighestBids.SERIALIZER,
                            (Long windowEnd, TimeWindow window, Iterable<HighestBids> results, Collector<HotItem> out) -> {
                                for (HighestBids most : results) {
                                    for (int i = 0; i < most.size(); i++) {
                                        out.collect(new HotItem(windowEnd, most.auction(i), most.price()));
                                    }
                                }
                            })
                    .uid("hot-items")
                    .sinkTo(new DigestSink<>(output, HotItem::row)).uid("digest");
        }

        @Override
        boolean eventTime() {
            return true;
        }
    },
    /**
     * Highest bid: per tumbling 10 s window, every bid at the window's highest price. Two stages,
     * so that no subtask sees every bid: the highest bids per auction and window, then per window
     * over those (the first stage's results carry the window's last millisecond as their time, so
     * they fall into the same window of the second).
     */
    Q7 {
        @Override
        void define(DataStream<NexmarkEvent> events, Path output) {
            Duration size = Duration.ofMillis(10_000);
            bids(events).map(b -> new HighestBids.PricedBid(b.auction(), b.bidder(), b.price())).uid("project")
                    .returns(HighestBids.PricedBid.SERIALIZER)
                    .keyBy(HighestBids.PricedBid::auction, Types.LONG)
                    .window(TumblingWindows.ofEventTime(size))
                    .aggregate(new HighestBids.Of(), HighestBids.SERIALIZER).uid("highest-per-auction")
                    .returns(HighestBids.SERIALIZER)
                    .keyBy(highest -> 0L, Types.LONG)
                    .window(TumblingWindows.ofEventTime(size))
                    .aggregate(new HighestBids.Merged(), HighestBids.SERIALIZER,
                            (Long key, TimeWindow window, Iterable<HighestBids> results, Collector<HighestBid> out) -> {
                                for (HighestBids highest : results) {
                                    for (int i = 0; i < highest.size(); i++) {
                                        out.collect(new HighestBid(window.end(), highest.auction(i), highest.bidder(i),
                                                highest.price()));
                                    }
                                }
                            })
                    .uid("highest")
                    .sinkTo(new DigestSink<>(output, HighestBid::row)).uid("digest");
        }

        @Override
        boolean eventTime() {
            return true;
        }
    },
    /** Monitor new users: persons who opened an auction in the tumbling 10 s window they registered in. */
    Q8 {
        @Override
        void define(DataStream<NexmarkEvent> events, Path output) {
            events.flatMap(NewUsers.Side::select).uid("select").returns(NewUsers.Side.SERIALIZER)
                    .keyBy(NewUsers.Side::personId, Types.LONG)
                    .window(TumblingWindows.ofEventTime(Duration.ofMillis(10_000)))
                    .aggregate(new NewUsers.Join(), NewUsers.Seen.SERIALIZER,
                            (Long id, TimeWindow window, Iterable<NewUsers.Seen> seen, Collector<NewUsers.NewUser> out) -> {
                                for (NewUsers.Seen s : seen) {
                                    if (s.joined()) {
                                        out.collect(new NewUsers.NewUser(window.start(), id, s.name));
                                    }
                                }
                            })
                    .uid("join")
                    .sinkTo(new DigestSink<>(output, NewUsers.NewUser::row)).uid("digest");
        }

        @Override
        boolean eventTime() {
            return true;
        }
    },
    /**
     * User sessions: per bidder, session windows with a gap of 10 s on event time; one row per
     * session with its bid count, its start (the first bid's time) and its end (the last bid's + 10 s).
     */
    Q11 {
        @Override
        void define(DataStream<NexmarkEvent> events, Path output) {
            bids(events).map(Bid::bidder).uid("bidder").returns(Types.LONG)
                    .keyBy(bidder -> bidder, Types.LONG)
                    .window(SessionWindows.ofEventTime(Duration.ofMillis(10_000)))
                    .aggregate(new Count<Long>(), Types.LONG,
                            (Long bidder, TimeWindow window, Iterable<Long> counts, Collector<BidderSession> out) -> {
                                for (Long count : counts) {
                                    out.collect(new BidderSession(bidder, count, window.start(), window.end()));
                                }
                            })
                    .uid("sessions")
                    .sinkTo(new DigestSink<>(output, BidderSession::row)).uid("digest");
        }

        @Override
        boolean eventTime() {
            return true;
        }
    };

    abstract void define(DataStream<NexmarkEvent> events, Path output);

    /** Whether the query needs event time: the source then assigns timestamps and watermarks (spec §1). */
    boolean eventTime() {
        return false;
    }

    /** The spec's name of the query: {@code events}, {@code q0}, ... */
    public String queryName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static NexmarkQuery named(String name) {
        for (NexmarkQuery query : values()) {
            if (query.queryName().equals(name)) {
                return query;
            }
        }
        throw new IllegalArgumentException("job argument 'query': unknown query '" + name + "' (known: "
                + Arrays.stream(values()).map(NexmarkQuery::queryName).collect(Collectors.joining(", ")) + ")");
    }

    private static DataStream<Bid> bids(DataStream<NexmarkEvent> events) {
        return events.<Bid>flatMap((event, out) -> {
            if (event instanceof Bid bid) {
                out.collect(bid);
            }
        }).uid("bids");
    }

    static void q0Row(Bid b, RowBuilder row) {
        row.field(b.auction()).field(b.bidder()).field(b.price()).field(b.channel()).field(b.url())
                .field(b.dateTime());
    }

    /** q1's row. */
    record EuroBid(long auction, long bidder, long euroPrice, long dateTime) {
        static void row(EuroBid b, RowBuilder row) {
            row.field(b.auction).field(b.bidder).field(b.euroPrice).field(b.dateTime);
        }
    }

    /** Counts records; merges for session windows, exactly, so sliding windows keep counts per slide. */
    static final class Count<T> implements AggregateFunction<T, Long, Long> {
        @Override
        public Long createAccumulator() {
            return 0L;
        }

        @Override
        public Long add(T value, Long accumulator) {
            return accumulator + 1;
        }

        @Override
        public Long getResult(Long accumulator) {
            return accumulator;
        }

        @Override
        public Long merge(Long a, Long b) {
            return a + b;
        }

        @Override
        public boolean mergeIsExact() {
            return true;
        }
    }

    /** q5's second stage: of (window end, auction, count), the auctions at the highest count. */
    static final class MostBids implements AggregateFunction<HighestBids.PricedBid, HighestBids, HighestBids> {
        @Override
        public HighestBids createAccumulator() {
            return new HighestBids();
        }

        @Override
        public HighestBids add(HighestBids.PricedBid windowAuctionCount, HighestBids accumulator) {
            accumulator.add(windowAuctionCount.bidder(), 0, windowAuctionCount.price());
            return accumulator;
        }

        @Override
        public HighestBids getResult(HighestBids accumulator) {
            return accumulator;
        }

        @Override
        public HighestBids merge(HighestBids a, HighestBids b) {
            return a.merge(b);
        }

        @Override
        public boolean mergeIsExact() {
            return true;
        }
    }

    /** q5's row. */
    record HotItem(long windowEnd, long auction, long count) {
        static void row(HotItem h, RowBuilder row) {
            row.field(h.windowEnd).field(h.auction).field(h.count);
        }
    }

    /** q7's row. */
    record HighestBid(long windowEnd, long auction, long bidder, long price) {
        static void row(HighestBid b, RowBuilder row) {
            row.field(b.windowEnd).field(b.auction).field(b.bidder).field(b.price);
        }
    }

    /** q11's row. */
    record BidderSession(long bidder, long count, long start, long end) {
        static void row(BidderSession s, RowBuilder row) {
            row.field(s.bidder).field(s.count).field(s.start).field(s.end);
        }
    }

    /** q2's row. */
    record AuctionPrice(long auction, long price) {
        static void row(AuctionPrice p, RowBuilder row) {
            row.field(p.auction).field(p.price);
        }
    }
}
