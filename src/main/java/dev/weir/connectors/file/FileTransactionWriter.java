package dev.weir.connectors.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.connectors.sink.TwoPhaseCommitSinkWriter;
import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.UnrecoverableJobException;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * One subtask of {@link ExactlyOnceFileSink}: a transaction is one or more hidden in-progress
 * files (more when the rolling policy starts a new one before the barrier); at the barrier they
 * get their final names, which show the checkpoint; commit is an atomic rename of each to its
 * visible name. The S3 variant mirrors this with multipart uploads.
 */
final class FileTransactionWriter<T> extends TwoPhaseCommitSinkWriter<T, FileTransaction> {

    private static final Logger LOG = LoggerFactory.getLogger(FileTransactionWriter.class);

    private final Path directory;
    private final String prefix;
    private final RollingPolicy rolling;
    private final Utf8LineBuffer lines;
    /** The open transaction's current file, null between transactions. */
    private FileChannel channel;
    private long openedAt;
    private long nextSequence;

    FileTransactionWriter(SinkContext context, Path directory, String prefix, RollingPolicy rolling, int bufferSize) {
        super(context);
        this.directory = directory;
        this.prefix = prefix;
        this.rolling = rolling;
        this.lines = new Utf8LineBuffer(bufferSize);
    }

    @Override
    protected FileTransaction beginTransaction() throws IOException {
        FileTransaction transaction = new FileTransaction(directory, prefix, context.subtask(), context.attempt());
        openFile(transaction);
        return transaction;
    }

    @Override
    protected void write(FileTransaction transaction, T record) throws IOException {
        if (rolling.shouldRoll(lines.size(), openedAt)) {
            closeFile();
            openFile(transaction);
        }
        lines.appendLine(String.valueOf(record));
    }

    @Override
    protected void preCommit(FileTransaction transaction) throws IOException {
        closeFile();
    }

    /**
     * Names the files after checkpoint {@code checkpointId}. A committed file can already have such
     * a name only if another run wrote into this directory with other checkpoint storage (attempts
     * and checkpoint ids count anew there); the file then moves to a free sequence number rather
     * than overwrite that output at commit.
     */
    @Override
    protected FileTransaction committable(FileTransaction transaction, long checkpointId) throws IOException {
        List<Long> files = new ArrayList<>(transaction.sequences());
        for (int i = 0; i < files.size(); i++) {
            long sequence = files.get(i);
            if (Files.exists(transaction.directory(directory).resolve(transaction.committedName(checkpointId, sequence).name()))) {
                long free;
                do {
                    free = freeSequence(transaction);
                } while (Files.exists(transaction.directory(directory).resolve(transaction.committedName(checkpointId, free).name())));
                Files.move(transaction.inProgressPath(directory, sequence), transaction.inProgressPath(directory, free),
                        StandardCopyOption.ATOMIC_MOVE);
                files.set(i, free);
            }
        }
        return transaction.closedAt(checkpointId, files);
    }

    /**
     * Renames the transaction's files to their committed names, in the directory they were written
     * in (which is not this sink's when the job was restored with another output directory). A file
     * found under neither name was committed before and then moved or deleted by whoever reads the
     * output (or its in-progress file was deleted): there is nothing left to commit, and no restart
     * could change that, so it is logged, as Flink's file sink does, and the commit goes on. A
     * directory that is not there at all is another matter: the output of the restored checkpoint
     * lives on a volume this job does not have, and the job stops with that rather than skip it.
     */
    @Override
    protected void commit(FileTransaction transaction) throws IOException {
        Path written = transaction.directory(directory);
        if (!Files.isDirectory(written)) {
            throw new UnrecoverableJobException(UnrecoverableJobException.Kind.CONFIGURATION, "exactly-once file sink"
                    + " subtask " + context.subtask() + ": the output of checkpoint " + transaction.checkpointId()
                    + " was written in " + written + ", which does not exist here (this job writes to " + directory
                    + "); make that directory available at the same path to commit it");
        }
        for (long sequence : transaction.sequences()) {
            Path source = transaction.inProgressPath(directory, sequence);
            Path target = transaction.committedPath(directory, sequence);
            try {
                Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (NoSuchFileException e) {
                if (!Files.exists(target)) {
                    LOG.warn("{} subtask {}: cannot commit {} of checkpoint {}: neither it nor its in-progress file {}"
                                    + " exists; it was committed before and then moved or deleted, or its in-progress"
                                    + " file was deleted before the commit (then its records are not in the output)",
                            context.jobName(), context.subtask(), target, transaction.checkpointId(), source.getFileName());
                }
                // committed before: by an earlier notification or an earlier recovery
            }
        }
        DurableFiles.syncDirectory(written);
    }

    /** Only the open transaction is ever aborted (see the base class), so the open file is its. */
    @Override
    protected void abort(FileTransaction transaction) throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
        for (long sequence : transaction.sequences()) {
            Files.deleteIfExists(transaction.inProgressPath(directory, sequence));
        }
    }

    @Override
    protected TypeSerializer<FileTransaction> transactionSerializer() {
        return FileTransaction.SERIALIZER;
    }

    /**
     * Deletes in-progress files of earlier attempts, for every old subtask index {@code j} with
     * {@code j % parallelism == subtask}: a pending file is only ever in the state of the subtask
     * that wrote it, and that state goes to exactly this subtask, so no other subtask can still
     * need such a file. The restored transactions were committed before this runs, so none of their
     * files is still in progress. (This also covers indexes above the restored checkpoint's
     * parallelism, left by attempts that never completed a checkpoint.)
     */
    @Override
    protected void abortLingeringTransactions(OperatorStateRestore restore, Set<FileTransaction> restored)
            throws IOException {
        LeftoverTempFiles.deleteOwned(directory,
                Pattern.compile("\\." + Pattern.quote(prefix) + "-(\\d+)-(\\d+)-\\d+" + Pattern.quote(FileTransaction.IN_PROGRESS_SUFFIX)),
                context);
    }

    @Override
    public void close() throws Exception {
        super.close();
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    private void openFile(FileTransaction transaction) throws IOException {
        long sequence = freeSequence(transaction);
        channel = FileChannel.open(transaction.inProgressPath(directory, sequence),
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        transaction.add(sequence);
        lines.target(channel);
        openedAt = rolling.openedAt();
    }

    /** The next sequence number whose in-progress name is free (taken only by another run's leftovers). */
    private long freeSequence(FileTransaction transaction) {
        long sequence;
        do {
            sequence = nextSequence++;
        } while (Files.exists(transaction.inProgressPath(directory, sequence)));
        return sequence;
    }

    private void closeFile() throws IOException {
        lines.flush();
        channel.force(true);
        channel.close();
        channel = null;
    }
}
