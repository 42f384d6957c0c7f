package dev.bastion.privacy.fl;

import dev.bastion.privacy.fl.Messages.Stage;
import dev.bastion.privacy.fl.Messages.ToClient;
import dev.bastion.privacy.fl.Messages.ToServer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Runs one secure aggregation round with the server and clients in this JVM, passing the message records
 * directly: the transport of {@code bastion fl simulate} and of the tests. A client that {@linkplain Dropout drops}
 * at a stage sends nothing from that stage on; a client that aborts is silent too. When some client stays silent the
 * runner moves the clock past the stage deadline, as a real timeout would, and the server proceeds without it.
 *
 * <p>Bytes are the canonical encodings' sizes; seconds are the computing time of the stage (all clients run one
 * after another here, so per-client time is the stage time over the senders). Not thread-safe.
 */
public final class InProcessRound {

    /** Whether {@code client} vanishes instead of sending its message of {@code stage}. */
    @FunctionalInterface
    public interface Dropout {
        boolean drops(int client, Stage stage);

        Dropout NONE = (client, stage) -> false;
    }

    /** One stage's traffic: messages up (client to server) and down, their bytes, and the time taken. */
    public record StageStats(Stage stage, int senders, long bytesUp, long bytesDown, double seconds) {
    }

    /** The round's outcome, its traffic by stage, and the reasons of clients that aborted. */
    public record Report(SecAggServer.Step outcome, List<StageStats> stages, Map<Integer, String> clientAborts) {
        public Report {
            stages = List.copyOf(stages);
            clientAborts = Map.copyOf(clientAborts);
        }

        public long bytesUp() {
            return stages.stream().mapToLong(StageStats::bytesUp).sum();
        }

        public long bytesDown() {
            return stages.stream().mapToLong(StageStats::bytesDown).sum();
        }

        public double seconds() {
            return stages.stream().mapToDouble(StageStats::seconds).sum();
        }
    }

    private InProcessRound() {
    }

    /**
     * Runs the round.
     *
     * @param recorder sees every message the server receives, in order (the server's whole view)
     */
    public static Report run(SecAggConfig config, List<SecAggClient> clients, Dropout dropout,
            Consumer<ToServer> recorder) {
        SortedMap<Integer, SecAggClient> byId = new TreeMap<>();
        for (SecAggClient c : clients) {
            byId.put(c.id(), c);
        }
        Instant now = Instant.EPOCH;
        SecAggServer server = new SecAggServer(config, now);
        List<StageStats> stats = new ArrayList<>();
        Map<Integer, String> aborts = new TreeMap<>();
        Map<Integer, Boolean> gone = new TreeMap<>();

        long start = System.nanoTime();
        long up = 0;
        int senders = 0;
        for (SecAggClient c : byId.values()) {
            if (dropout.drops(c.id(), Stage.ADVERTISE_KEYS)) {
                gone.put(c.id(), true);
                continue;
            }
            ToServer m = c.advertise();
            recorder.accept(m);
            server.receive(m);
            up += m.wireBytes();
            senders++;
        }
        Stage stage = Stage.ADVERTISE_KEYS;
        while (true) {
            SecAggServer.Step step = server.close(now);
            if (step instanceof SecAggServer.Step.Waiting w) {
                now = w.deadline().plusMillis(1); // the stage timed out
                step = server.close(now);
            }
            if (!(step instanceof SecAggServer.Step.Send send)) {
                stats.add(new StageStats(stage, senders, up, 0, (System.nanoTime() - start) / 1e9));
                return new Report(step, stats, aborts);
            }
            long down = send.messages().stream().mapToLong(ToClient::wireBytes).sum();
            stats.add(new StageStats(stage, senders, up, down, (System.nanoTime() - start) / 1e9));
            stage = send.stage();
            start = System.nanoTime();
            up = 0;
            senders = 0;
            for (ToClient m : send.messages()) {
                SecAggClient c = byId.get(m.recipient());
                if (c == null || gone.containsKey(c.id()) || dropout.drops(c.id(), stage)) {
                    gone.put(m.recipient(), true);
                    continue;
                }
                switch (c.receive(m)) {
                    case SecAggClient.Reply.Send s -> {
                        recorder.accept(s.message());
                        server.receive(s.message());
                        up += s.message().wireBytes();
                        senders++;
                    }
                    case SecAggClient.Reply.Abort a -> aborts.put(c.id(), a.reason());
                }
            }
        }
    }
}
