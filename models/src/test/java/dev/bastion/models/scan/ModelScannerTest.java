package dev.bastion.models.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelScannerTest {
    @TempDir
    Path dir;

    private ScanReport scan(String name, byte[] content) throws Exception {
        Path f = dir.resolve(name);
        Files.createDirectories(f.getParent());
        Files.write(f, content);
        return ModelScanner.scan(f);
    }

    private static List<String> codes(ScanReport r) {
        return r.findings().stream().map(f -> f.severity() + ":" + f.code()).toList();
    }

    @Test
    void aTorchStateDictIsSafeAsARawPickleAndInsideItsZipArchive() throws Exception {
        assertThat(scan("model.pt", Fixtures.torchStateDict()).findings()).isEmpty();
        ScanReport zipped = scan("pytorch_model.bin", Fixtures.zip("archive/data.pkl", Fixtures.torchStateDict()));
        assertThat(zipped.findings()).isEmpty();
        assertThat(zipped.formats()).containsEntry("pytorch_model.bin", "zip (PyTorch)");
    }

    @Test
    void everyKnownDenyListBypassIsRefusedBecauseNothingOffTheAllowListPasses() throws Exception {
        String[][] gadgets = {{"os", "system"}, {"importlib", "import_module"}, {"operator", "methodcaller"},
            {"functools", "partial"}, {"atexit", "register"}, {"ctypes", "CDLL"}, {"builtins", "getattr"},
            {"builtins", "eval"}, {"runpy", "_run_code"}, {"pickle", "loads"}, {"torch.serialization", "load"}};
        for (String[] g : gadgets) {
            byte[] p = new Fixtures.Pickle().proto(2).global(g[0], g[1]).mark().str("x").tuple().reduce().stop().bytes();
            ScanReport r = scan(g[0] + "-" + g[1] + ".pkl", p);
            assertThat(r.safe()).as(g[0] + "." + g[1]).isFalse();
            assertThat(r.findings().getFirst().message()).contains(g[0] + "." + g[1]);
            // the same through STACK_GLOBAL (protocol 4)
            byte[] p4 = new Fixtures.Pickle().proto(4).str(g[0]).str(g[1]).stackGlobal().mark().str("x").tuple()
                    .reduce().stop().bytes();
            assertThat(scan(g[0] + "-" + g[1] + "-4.pkl", p4).safe()).isFalse();
        }
    }

    @Test
    void computedGlobalNamesAndCallsOnNonGlobalsAreRefused() throws Exception {
        // module name built at load time (a call result), then STACK_GLOBAL
        byte[] computed = new Fixtures.Pickle().proto(4).global("builtins", "set").emptyTuple().reduce().str("system")
                .stackGlobal().stop().bytes();
        assertThat(codes(scan("computed.pkl", computed))).contains("UNSAFE:computed-global");
        // getattr-style: calling the result of a call
        byte[] indirect = new Fixtures.Pickle().proto(2).global("builtins", "set").emptyTuple().reduce()
                .emptyTuple().reduce().stop().bytes();
        assertThat(codes(scan("indirect.pkl", indirect))).contains("UNSAFE:indirect-call");
        byte[] ext = new Fixtures.Pickle().proto(2).raw(0x82, 7).stop().bytes();
        assertThat(codes(scan("ext.pkl", ext))).contains("UNSAFE:extension-registry");
        byte[] patch = new Fixtures.Pickle().proto(2).global("collections", "OrderedDict").emptyDict().build().stop()
                .bytes();
        assertThat(codes(scan("patch.pkl", patch))).contains("UNSAFE:build-on-global");
    }

    @Test
    void aMaliciousPickleNestedInAnArchiveInsideAnArchiveIsFound() throws Exception {
        byte[] evil = new Fixtures.Pickle().proto(2).global("os", "system").mark().str("id").tuple().reduce().stop()
                .bytes();
        byte[] inner = Fixtures.zip("archive/data.pkl", evil);
        ScanReport r = scan("outer.pt", Fixtures.zip("nested/inner.pt", inner));
        assertThat(r.safe()).isFalse();
        assertThat(r.findings().getFirst().file()).isEqualTo("outer.pt!nested/inner.pt!archive/data.pkl");
        ScanReport slip = scan("slip.pt", Fixtures.zip("../../evil.pkl", Fixtures.torchStateDict()));
        assertThat(codes(slip)).contains("UNSAFE:zip-path");
    }

    @Test
    void truncatedAndUnknownPicklesAreMalformed() throws Exception {
        byte[] good = Fixtures.torchStateDict();
        assertThat(codes(scan("cut.pkl", java.util.Arrays.copyOf(good, good.length / 2)))).contains("MALFORMED:pickle");
        assertThat(codes(scan("odd.pkl", new byte[] {(byte) 0x80, 2, (byte) 0xff, '.'}))).contains("MALFORMED:pickle");
    }

    @Test
    void aWellFormedGgufIsSafeAndDescribed() throws Exception {
        ScanReport r = scan("m.gguf", Fixtures.gguf());
        assertThat(r.findings()).isEmpty();
        assertThat(r.properties().get("m.gguf")).containsEntry("general.architecture", "llama")
                .containsEntry("parameters", "72").containsEntry("tensors", "2");
    }

    @Test
    void ggufLiesAreMalformedWithTheReason() throws Exception {
        byte[] g = Fixtures.gguf();
        byte[] hugeCount = g.clone();
        java.nio.ByteBuffer.wrap(hugeCount).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(8, Long.MAX_VALUE);
        assertThat(scan("count.gguf", hugeCount).findings().getFirst().message()).contains("cannot fit");
        byte[] truncated = java.util.Arrays.copyOf(g, g.length - 10);
        assertThat(scan("short.gguf", truncated).findings().getFirst().message()).contains("past the end");
        byte[] v1 = g.clone();
        v1[4] = 1;
        assertThat(scan("v1.gguf", v1).findings().getFirst().message()).contains("version 1");
    }

    @Test
    void safetensorsHeadersAreCheckedAgainstTheData() throws Exception {
        String ok = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},\"__metadata__\":{\"format\":\"pt\"}}";
        assertThat(scan("a.safetensors", Fixtures.safetensors(ok, 16)).findings()).isEmpty();
        String outside = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,1600]}}";
        assertThat(scan("b.safetensors", Fixtures.safetensors(outside, 16)).findings().getFirst().message())
                .contains("outside the data section");
        String overlap = "{\"a\":{\"dtype\":\"U8\",\"shape\":[8],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"U8\",\"shape\":[8],\"data_offsets\":[4,12]}}";
        assertThat(scan("c.safetensors", Fixtures.safetensors(overlap, 12)).findings().getFirst().message())
                .contains("overlaps");
        byte[] hugeHeader = Fixtures.safetensors(ok, 16);
        java.nio.ByteBuffer.wrap(hugeHeader).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
        assertThat(scan("d.safetensors", hugeHeader).findings().getFirst().message()).contains("impossible");
        String deep = "{\"w\":" + "[".repeat(100) + "]".repeat(100) + "}";
        assertThat(scan("e.safetensors", Fixtures.safetensors(deep, 0)).findings().getFirst().message())
                .contains("not valid JSON");
    }

    @Test
    void onnxExternalDataThatLeavesTheModelFolderIsUnsafe() throws Exception {
        Files.createDirectories(dir.resolve("m"));
        Files.write(dir.resolve("m/weights.bin"), new byte[8]);
        assertThat(scan("m/ok.onnx", Fixtures.onnxWithExternalData("weights.bin")).findings()).isEmpty();
        assertThat(codes(scan("m/up.onnx", Fixtures.onnxWithExternalData("../../etc/passwd"))))
                .contains("UNSAFE:external-data");
        assertThat(codes(scan("m/abs.onnx", Fixtures.onnxWithExternalData("/etc/shadow"))))
                .contains("UNSAFE:external-data");
        Files.createSymbolicLink(dir.resolve("m/link.bin"), Path.of("/etc/hostname"));
        assertThat(codes(scan("m/link.onnx", Fixtures.onnxWithExternalData("link.bin"))))
                .contains("UNSAFE:external-data");
    }

    @Test
    void fuzzedFilesOfEveryFormatAreReportedNeverThrownOrHung() throws Exception {
        Random r = new Random(11);
        byte[][] seeds = {Fixtures.torchStateDict(), Fixtures.gguf(),
            Fixtures.safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}", 16),
            Fixtures.onnxWithExternalData("weights.bin"), Fixtures.zip("archive/data.pkl", Fixtures.torchStateDict())};
        String[] names = {"f.pkl", "f.gguf", "f.safetensors", "f.onnx", "f.pt"};
        long start = System.nanoTime();
        for (int i = 0; i < 2500; i++) {
            int k = i % seeds.length;
            byte[] b = seeds[k].clone();
            switch (r.nextInt(3)) {
                case 0 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length + 1));
                case 1 -> {
                    for (int j = 0; j < 1 + r.nextInt(8); j++) {
                        b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                    }
                }
                default -> {
                    int at = r.nextInt(Math.max(1, b.length - 8));
                    for (int j = 0; j < 8 && at + j < b.length; j++) {
                        b[at + j] = (byte) 0xff;
                    }
                }
            }
            ScanReport report = scan("fuzz/" + i + "-" + names[k], b); // must return, whatever the bytes
            assertThat(report).isNotNull();
        }
        assertThat((System.nanoTime() - start) / 1e9).as("seconds for 2,500 hostile files").isLessThan(120);
    }
}
