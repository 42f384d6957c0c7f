import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.ChatRequest;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.api.RequestBodies;
import dev.bastion.gateway.pipeline.AuditRecord;
import dev.bastion.gateway.pipeline.Outcome;
import dev.bastion.gateway.pipeline.RequestFacts;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The allocation and CPU of the gateway's own steps around a proxied chat request, one at a time, on a platform
 * thread: the thread's allocated-bytes counter and CPU time around many calls of each step (a virtual thread has
 * neither counter: ThreadMXBean answers -1 there, which is why this is not done inside the server). The inputs are
 * the gateway-overhead bench's: request.lua's body and the nginx upstream's answer (bench/lib/upstream.sh). Steps:
 * parse (RequestBodies.parseObject and ChatRequest.from, as ChatEndpoint.parse), upstream request (the rewritten
 * body as bytes, as UpstreamHttp writes it), upstream answer (its bytes as a tree, as UpstreamHttp.postForJson),
 * answer (the tree as bytes, as Responses.json), audit record (AuditRecord.toBytes of a default-route record), then
 * each scanner of the default route alone: the input scanners on the request's prompt, the output scanners on the answer.
 *
 *   java -cp "app/target/bastion.jar:app/target/lib/*" bench/gateway-overhead/StageCost.java [ITERATIONS]
 *
 * Allocation is exact (bytes per call, the same on every run of one build); CPU moves with the machine's load.
 */
public class StageCost {
    static final byte[] REQUEST = ("{\"model\":\"bench-model\",\"messages\":[{\"role\":\"user\",\"content\":"
            + "\"Summarise the benefits of local inference in one sentence.\"}]}").getBytes(StandardCharsets.UTF_8);
    static final byte[] ANSWER = ("{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1700000000,"
            + "\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
            + "\"Local inference keeps sensitive data on your own machines.\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":10,\"total_tokens\":30}}").getBytes(StandardCharsets.UTF_8);

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        Method toBytes = AuditRecord.class.getDeclaredMethod("toBytes", Instant.class);
        toBytes.setAccessible(true);
        AuditRecord record = record();
        Instant now = Instant.parse("2026-12-07T10:00:00.123456Z");
        ObjectNode answer = (ObjectNode) Json.MAPPER.readTree(ANSWER);
        Map<String, Supplier<Object>> steps = new LinkedHashMap<>();
        steps.put("parse (parseObject + ChatRequest.from)", () -> ChatRequest.from(RequestBodies.parseObject(REQUEST, REQUEST.length)));
        ObjectNode upstreamRequest = ChatRequest.from(RequestBodies.parseObject(REQUEST, REQUEST.length)).json();
        steps.put("upstream request (tree to bytes)", () -> write(upstreamRequest));
        steps.put("upstream answer (bytes to tree)", () -> read(ANSWER));
        steps.put("answer (tree to bytes, Responses.json)", () -> write(answer));
        steps.put("audit record (AuditRecord.toBytes)", () -> invoke(toBytes, record, now));
        // The default route's scanners (embedded defaults), each alone on the bench's prompt (input) or answer (output).
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("stagecost");
        var config = dev.bastion.gateway.config.ConfigLoader.load(Optional.empty(), dir, Map.of(), Map.of(), dir).config();
        var route = dev.bastion.gateway.pipeline.CompiledRoute.compileAll(config.routes(), config.guard()).getFirst();
        List<String> prompt = List.of("Summarise the benefits of local inference in one sentence.");
        List<String> user = List.of("user");
        for (dev.bastion.guard.Scanner s : route.inputScanners()) {
            steps.put("scan input: " + s.id(), () -> s.scan(prompt, user));
        }
        List<String> reply = List.of("Local inference keeps sensitive data on your own machines.");
        for (dev.bastion.guard.Scanner s : route.outputScanners()) {
            steps.put("scan output: " + s.id(), () -> s.scan(reply));
        }
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Object sink = null;
        for (int round = 0; round < 2; round++) { // the first round warms the JIT; the second is reported
            for (var step : steps.entrySet()) {
                long a0 = mx.getCurrentThreadAllocatedBytes();
                long c0 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < n; i++) {
                    sink = step.getValue().get();
                }
                long c1 = mx.getCurrentThreadCpuTime();
                long a1 = mx.getCurrentThreadAllocatedBytes();
                if (round == 1) {
                    System.out.printf("%-42s %8.0f bytes/call %8.2f us CPU/call%n", step.getKey(),
                            (double) (a1 - a0) / n, (c1 - c0) / 1e3 / n);
                }
            }
        }
        System.out.println(sink == null ? "" : "(" + n + " calls per step; load " + ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() + ")");
    }

    static byte[] write(ObjectNode tree) {
        try {
            return Json.MAPPER.writeValueAsBytes(tree);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Object read(byte[] bytes) {
        try {
            return Json.MAPPER.readTree(bytes);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Object invoke(Method m, Object target, Object arg) {
        try {
            return m.invoke(target, arg);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A record like the default route's on the bench request: six input controls, route, one output scanner. */
    static AuditRecord record() {
        RequestFacts facts = RequestFacts.start("chat.completions", "req_0123456789abcdef0123456789abcdef", System.nanoTime())
                .routed("default", "bench-model");
        List<AuditRecord.Control> ran = List.of(
                new AuditRecord.Control("pii", "input", Map.of(), 0, null),
                new AuditRecord.Control("secrets", "input", Map.of(), 0, null),
                new AuditRecord.Control("injection", "input", Map.of(), 0, null),
                new AuditRecord.Control("exfiltration", "input", Map.of(), 0, null),
                new AuditRecord.Control("policy", "decide", Map.of(), 0, "allow"));
        facts = facts.decided("allow", ran, Map.of())
                .servedBy(new RequestFacts.Served("bench-model", "local", "default route"))
                .control(new AuditRecord.Control("route", "decide", Map.of(), 0, "bench-model (local)"))
                .control(new AuditRecord.Control("secrets", "output", Map.of(), 0, null));
        return new AuditRecord(facts, 200, "ok", new Outcome.Usage(20, 10), 812);
    }
}
