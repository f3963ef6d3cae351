#!/usr/bin/env python3
"""Aggregates async-profiler collapsed stacks (event=cpu ... ,collapsed) by area: per area the share
of samples and the seconds (1 ms interval). usage: bench/async-profile-areas.py weir|flink FILE...
A stack belongs to the first "owner" area (GC, JIT, checkpoint, start-up, digest) it shows anywhere,
else to the area named by the frame nearest its leaf. Workers get the profiler with
bench/nexmark --class-data-archive false --worker-jvm-option -agentpath:.../libasyncProfiler.so=start,event=cpu,interval=1ms,file=/tmp/x/w-%p.collapsed,collapsed
(the class-data archive is dumped by a JVM that refuses native agents)."""
import sys, collections, re
system = sys.argv[1]
files = sys.argv[2:]
# (area, regex) checked against the whole stack; the first area whose regex matches wins.
# Order: threads owned by the JVM first, then the outer phases (checkpoint), then the
# per-record path from the innermost area outwards.
COMMON_HEAD = [
    ("GC", r"G1|GCTaskThread|GangWorker|ConcurrentGCThread|ParallelGC|SafepointSynchronize|WorkerThread::run"),
    ("JIT compiler", r"CompileBroker|C2Compiler|Compilation::|Compile::|thread_main_inner"),
]
WEIR = [
    ("checkpoint (snapshot, upload)", r"SubtaskCheckpointCoordinator|KeyGroupsSnapshot|CheckpointStateOutput|HeapChangelog|StorageStateFiles|snapshotState|captureChanges|CapturedPart"),
    ("digest sink", r"DigestSink|Fnv1a64Row|DigestWriter|RowBuilder"),
    ("emit (window fire, 2nd stage)", r"WindowProcessFunction\.emit|WindowProcessFunction\$\$Lambda.*emit|lambda\$new\$0"),
    ("timers", r"TimerQueue|TimerSet|InternalTimerService|LongKeyTimer|onFixedSizeTimer|advanceWatermark"),
    ("window assign/update + aggregate", r"addFixedSize|FixedSizeWindows|HighestBids\.add|HighestBids\$Of|NewUsers\$Join|processElement"),
    ("keyed state + key selector", r"HeapKeyedStateBackend|StateTable|LongKeyTable|KeyTable|KeyGroupAssignment|setCurrentKey|prefetch|getKey"),
    ("network: deserialize + input", r"RecordDeserializ|deserialize|InputGate|InputChannel|PeerConnection|FrameStream|DataPlane|RecordBatch\.get|readLoop"),
    ("network: serialize + output", r"RecordWriterOutput|serialize|RecordBatch\.add|ChannelSelector|PeerWriter|flushIfDue|flushWhereRoom|DataOutputBuffer|sendFrame|ResultPartition|writeFrame|socketWrite|Output\.collect"),
    ("generator", r"NexmarkGenerator|GeneratorSource|SourceOperator\.pollNext"),
    ("chained operators", r"NexmarkQuery|NewUsers\$Side\.select|LocalItemSuggestion|OperatorChain|StreamMap|StreamFlatMap|FlatMapOperator|MapOperator|InputStreamTask\.processBatch"),
    ("task loop idle/mailbox", r"StreamTask\.idle|TaskMailbox|backPressured|StatusWatermarkValve|InputStreamTask\.runLoop|SourceStreamTask\.runLoop"),
    ("start-up, class loading, control", r"WorkerMain|WorkerPreparation|ClassLoader|jetty|ControlPlaneJson|Jackson|jackson|CoordinatorClient|WorkerPrometheus|Interpreter|SymbolTable|SystemDictionary|ClassFileParser|java/net/http|Worker\.|Link|LambdaForm|MethodHandle"),
]
FLINK = [
    ("checkpoint (snapshot, upload)", r"snapshotState|Checkpoint|AsyncSnapshot|FsCheckpoint|SnapshotStrategy|CopyOnWriteStateMapSnapshot"),
    ("digest sink", r"Digest|Fnv|RowBuilder|Sink"),
    ("emit (window fire, 2nd stage)", r"emitWindowContents|InternalIterableProcessWindowFunction|InternalSingleValue|ProcessWindowFunction|WindowFunction"),
    ("timers", r"InternalTimer|TimerHeap|HeapPriorityQueue|TimerService|onEventTime|advanceWatermark|processWatermark"),
    ("window assign/update + aggregate", r"WindowOperator\.processElement|assignWindows|AggregatingState|HeapAggregatingState|AggregateFunction|HighestBids|NewUsers|Join\.add|Trigger"),
    ("keyed state + key selector", r"StateTable|CopyOnWriteStateMap|setCurrentKey|KeyGroupRangeAssignment|KeySelector|getKey|HeapValueState|AbstractHeapState|setKeyContextElement"),
    ("network: deserialize + input", r"Deserializ|deserialize|InputGate|InputChannel|StreamTaskNetworkInput|emitNext|Netty|netty|readFrom|BufferManager|CreditBased"),
    ("network: serialize + output", r"RecordWriter|serialize|ChannelSelector|ResultPartition|BufferBuilder|OutputFlusher|RecordWriterOutput"),
    ("generator", r"NexmarkGenerator|Generator|SourceReader|SourceOperator|SourceFunction|SourceStreamTask"),
    ("chained operators", r"ChainingOutput|StreamMap|StreamFlatMap|StreamFilter|CountingOutput|processElement|pushToOperator"),
    ("task loop idle/mailbox", r"MailboxProcessor|runMailboxLoop|StreamTask\.invoke"),
    ("start-up, class loading, control", r"ClassLoader|Interpreter|SymbolTable|SystemDictionary|ClassFileParser|akka|pekko|Pekko|rpc|Rpc|JobMaster|Dispatcher|MiniCluster|LambdaForm|MethodHandle|main"),
]
rules = COMMON_HEAD + (WEIR if system == "weir" else FLINK)
rx = [(a, re.compile(p)) for a, p in rules]
areas = collections.Counter(); tot = 0
OWNERS = {"GC", "JIT compiler", "checkpoint (snapshot, upload)", "start-up, class loading, control", "digest sink"}
def classify(stack):
    for a, r in rx:
        if a in OWNERS and r.search(stack):
            return a
    # the rest by the frame nearest the leaf that some area names
    for frame in reversed(stack.split(';')):
        for a, r in rx:
            if a not in OWNERS and r.search(frame):
                return a
    return "other (kernel, idle, unknown)"
for f in files:
    for line in open(f):
        stack, _, n = line.rstrip().rpartition(' ')
        n = int(n); tot += n
        areas[classify(stack)] += n
order = [a for a, _ in rules] + ["other (kernel, idle, unknown)"]
print(f"samples {tot}")
for a in order:
    print(f"{a:40s} {100*areas[a]/tot:5.1f}%  {areas[a]/1000:7.2f}s")
