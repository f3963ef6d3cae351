package dev.weir.connectors.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.connectors.sink.TwoPhaseCommitSinkWriter;
import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * One subtask of {@link ExactlyOnceFileSink}: a transaction is a hidden in-progress file; commit is
 * an atomic rename to the visible name. The S3 variant mirrors this with a multipart upload
 * (begin = create upload, pre-commit = upload the last part, commit = complete the upload).
 */
final class FileTransactionWriter<T> extends TwoPhaseCommitSinkWriter<T, FileTransaction> {

    private static final Logger LOG = LoggerFactory.getLogger(FileTransactionWriter.class);

    private final Path directory;
    private final String prefix;
    private final Utf8LineBuffer lines;
    private FileChannel channel;
    private long nextSequence;

    FileTransactionWriter(SinkContext context, Path directory, String prefix, int bufferSize) {
        super(context);
        this.directory = directory;
        this.prefix = prefix;
        this.lines = new Utf8LineBuffer(bufferSize);
    }

    @Override
    protected FileTransaction beginTransaction() throws IOException {
        FileTransaction transaction;
        // The attempt already makes names unique; skipping taken names guards against a reused attempt.
        do {
            transaction = new FileTransaction(prefix, context.subtask(), context.attempt(), nextSequence++);
        } while (Files.exists(transaction.committedPath(directory)) || Files.exists(transaction.inProgressPath(directory)));
        channel = FileChannel.open(transaction.inProgressPath(directory),
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        lines.target(channel);
        return transaction;
    }

    @Override
    protected void write(FileTransaction transaction, T record) throws IOException {
        lines.appendLine(String.valueOf(record));
    }

    @Override
    protected void preCommit(FileTransaction transaction) throws IOException {
        lines.flush();
        channel.force(true);
        channel.close();
        channel = null;
    }

    @Override
    protected void commit(FileTransaction transaction) throws IOException {
        Path source = transaction.inProgressPath(directory);
        Path target = transaction.committedPath(directory);
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            if (Files.exists(target)) {
                return; // committed before: by an earlier notification or an earlier recovery
            }
            throw new IllegalStateException("cannot commit " + transaction.committedName()
                    + ": neither the in-progress file nor the committed file exists; its records are lost", e);
        }
        DurableFiles.syncDirectory(directory);
    }

    @Override
    protected void abort(FileTransaction transaction) throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
        Files.deleteIfExists(transaction.inProgressPath(directory));
    }

    @Override
    protected TypeSerializer<FileTransaction> transactionSerializer() {
        return FileTransaction.SERIALIZER;
    }

    /**
     * Deletes in-progress files of earlier attempts that the checkpoint does not reference, for every
     * old subtask index {@code j} with {@code j % parallelism == subtask}: a pending file is only ever
     * in the state of the subtask that wrote it, and that state goes to exactly this subtask, so no
     * other subtask can still need such a file. (This also covers indexes above the restored
     * checkpoint's parallelism, left by attempts that never completed a checkpoint.)
     */
    @Override
    protected void abortLingeringTransactions(OperatorStateRestore restore, Set<FileTransaction> restored)
            throws IOException {
        int deleted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "." + prefix + "-*")) {
            for (Path file : files) {
                FileTransaction transaction = FileTransaction.parseInProgress(prefix, file.getFileName().toString());
                if (transaction != null
                        && transaction.subtask() % context.parallelism() == context.subtask()
                        && transaction.attempt() < context.attempt()
                        && !restored.contains(transaction)) {
                    Files.deleteIfExists(file);
                    deleted++;
                }
            }
        }
        if (deleted > 0) {
            LOG.info("{} subtask {}: deleted {} in-progress files of earlier attempts",
                    context.jobName(), context.subtask(), deleted);
        }
    }

    @Override
    public void close() throws Exception {
        super.close();
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }
}
