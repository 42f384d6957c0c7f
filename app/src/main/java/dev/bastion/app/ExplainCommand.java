package dev.bastion.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.audit.AuditReader;
import dev.bastion.audit.Checkpoint;
import dev.bastion.audit.Proofs;
import dev.bastion.audit.Verifier;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.pipeline.Explanation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code bastion explain REQUEST_ID}: what happened to one request, from its audit record, with proof. */
@Command(name = "explain", description = "Explain one request's decisions from the audit log, with its inclusion proof.")
final class ExplainCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Parameters(paramLabel = "REQUEST_ID", description = "The request id (x-request-id header of the response).")
    String requestId;

    @Mixin
    Output output;

    @Override
    public Integer call() throws IOException {
        boolean json = output.json();
        AuditReader reader = AuditCommand.reader(common);
        for (long i = reader.size() - 1; i >= 0; i--) {
            JsonNode record = Json.MAPPER.readTree(reader.record(i));
            if (requestId.equals(record.path("request_id").asText(null)) && record.path("type").asText().equals("request")) {
                List<String> lines = new ArrayList<>(Explanation.describe(record));
                Optional<Checkpoint> checkpoint = reader.latestCheckpoint().filter(c -> c.size() > 0);
                long index = i;
                ObjectNode out = Output.object().put("request_id", requestId).put("index", index);
                int code = ExitCodes.OK;
                if (checkpoint.isPresent() && checkpoint.get().size() > index) {
                    Checkpoint c = checkpoint.get();
                    byte[] publicKey = Verifier.readPublicKey(AuditCommand.dataDir(common).resolve("keys/audit-signing.key.pub"));
                    boolean included = Proofs.verifyInclusion(index, c.size(), reader.leafHash(index),
                            reader.inclusionProof(index, c.size()), c.root());
                    boolean signed = c.verify(publicKey);
                    lines.add("Audit record " + index + (included && signed ? " is included in" : " could NOT be proven in")
                            + " the checkpoint of size " + c.size() + " signed by key " + c.keyId() + ".");
                    out.put("proven", included && signed).put("checkpoint_size", c.size()).put("key_id", c.keyId());
                    code = included && signed ? ExitCodes.OK : ExitCodes.FAILED;
                } else {
                    lines.add("Audit record " + index + " is not yet covered by a signed checkpoint.");
                    out.put("proven", false).putNull("checkpoint_size").putNull("key_id");
                }
                if (json) {
                    lines.forEach(out.putArray("explanation")::add);
                    Output.print(out);
                } else {
                    lines.forEach(System.out::println);
                }
                return code;
            }
        }
        System.err.println("bastion: no audit record for request " + (requestId.matches("[A-Za-z0-9._-]{1,64}") ? requestId : "(invalid id)"));
        return ExitCodes.FAILED;
    }
}
