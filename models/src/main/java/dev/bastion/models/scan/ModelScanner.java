package dev.bastion.models.scan;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * Scans a model file or folder before anything loads it: GGUF, safetensors, PyTorch (zip archives and raw
 * pickles, nested archives included), other pickles and ONNX, recognised by their first bytes and names. Files of
 * no model format (configs, tokenizers) are noted, not parsed. Symbolic links are unsafe. A file that breaks its
 * format is MALFORMED with the reason; nothing here throws for hostile input, and reads are bounded (pickles and
 * archive members of at most 1 GiB, archives nested at most 3 deep, at most 100,000 archive entries).
 */
public final class ModelScanner {
    private static final long MAX_PICKLE = 1L << 30;
    private static final int MAX_ZIP_DEPTH = 3;
    private static final int MAX_ENTRIES = 100_000;

    private ModelScanner() {
    }

    public static ScanReport scan(Path path) throws IOException {
        Map<String, String> formats = new TreeMap<>();
        Map<String, Map<String, String>> properties = new TreeMap<>();
        List<ScanFinding> findings = new ArrayList<>();
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> walk = Files.walk(path)) {
                for (Path p : (Iterable<Path>) walk::iterator) {
                    String rel = path.relativize(p).toString().replace('\\', '/');
                    if (rel.isEmpty() || rel.startsWith(".git/") || rel.equals(".git")) {
                        continue;
                    }
                    if (Files.isSymbolicLink(p)) {
                        findings.add(new ScanFinding(ScanFinding.Severity.UNSAFE, rel, "symlink",
                                "symbolic link inside the model"));
                    } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                        scanFile(p, rel, formats, properties, findings);
                    }
                }
            }
        } else if (Files.isSymbolicLink(path)) {
            findings.add(new ScanFinding(ScanFinding.Severity.UNSAFE, path.toString(), "symlink", "symbolic link"));
        } else {
            scanFile(path, path.getFileName().toString(), formats, properties, findings);
        }
        return new ScanReport(path.toString(), formats, properties, findings);
    }

    private static void scanFile(Path file, String name, Map<String, String> formats,
            Map<String, Map<String, String>> properties, List<ScanFinding> findings) throws IOException {
        byte[] head = new byte[8];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, 8);
        }
        String lower = name.toLowerCase(Locale.ROOT);
        try {
            if (n >= 4 && head[0] == 'G' && head[1] == 'G' && head[2] == 'U' && head[3] == 'F') {
                formats.put(name, "gguf");
                GgufInfo info = GgufScanner.scan(file);
                Map<String, String> p = new LinkedHashMap<>();
                info.metadata().forEach((k, v) -> {
                    if (k.equals("general.architecture") || k.equals("general.name") || k.equals("general.license")
                            || k.equals("general.file_type") || k.endsWith(".context_length")
                            || k.equals("general.size_label") || k.equals("general.quantization_version")) {
                        p.put(k, v);
                    }
                });
                p.put("gguf.version", Integer.toString(info.version()));
                p.put("tensors", Long.toString(info.tensors()));
                p.put("parameters", Long.toString(info.parameters()));
                p.put("tensor_types", info.tensorTypes().toString());
                properties.put(name, p);
            } else if (lower.endsWith(".safetensors")) {
                formats.put(name, "safetensors");
                SafetensorsScanner.Info info = SafetensorsScanner.scan(file);
                Map<String, String> p = new LinkedHashMap<>(info.metadata());
                p.put("tensors", Integer.toString(info.tensors()));
                p.put("parameters", Long.toString(info.parameters()));
                properties.put(name, p);
            } else if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
                formats.put(name, "zip (PyTorch)");
                try (ZipFile zip = new ZipFile(file.toFile())) {
                    scanZip(zip, name, findings);
                }
            } else if (lower.endsWith(".onnx")) {
                formats.put(name, "onnx");
                OnnxScanner.scan(file, name, findings);
            } else if (isPickle(head, n, lower)) {
                formats.put(name, "pickle");
                if (Files.size(file) > MAX_PICKLE) {
                    throw new FormatException("pickle larger than 1 GiB");
                }
                findings.addAll(PickleScanner.scan(Files.readAllBytes(file), name));
            } else {
                formats.put(name, "other");
            }
        } catch (FormatException e) {
            findings.add(new ScanFinding(ScanFinding.Severity.MALFORMED, name, formats.getOrDefault(name, "file"),
                    e.getMessage()));
        } catch (java.util.zip.ZipException | java.io.EOFException | IllegalArgumentException e) {
            // corrupt archives surface as these from java.util.zip (bad headers, truncation, undecodable names)
            findings.add(new ScanFinding(ScanFinding.Severity.MALFORMED, name, "zip",
                    "not a readable zip archive (" + e.getClass().getSimpleName() + ")"));
        }
    }

    private static boolean isPickle(byte[] head, int n, String lower) {
        boolean protocol2Plus = n >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5;
        boolean pickleName = lower.endsWith(".pkl") || lower.endsWith(".pickle") || lower.endsWith(".pt")
                || lower.endsWith(".pth") || lower.endsWith(".ckpt") || lower.endsWith(".bin")
                || lower.endsWith(".joblib") || lower.endsWith(".npy") || lower.endsWith(".data");
        return protocol2Plus || pickleName;
    }

    private static void scanZip(ZipFile zip, String name, List<ScanFinding> findings) throws IOException {
        int count = 0;
        for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
            ZipEntry e = en.nextElement();
            if (++count > MAX_ENTRIES) {
                throw new FormatException("more than " + MAX_ENTRIES + " archive entries");
            }
            try (InputStream in = zip.getInputStream(e)) {
                scanMember(in, name + "!" + e.getName(), e.getName(), 1, findings);
            }
        }
    }

    private static void scanMember(InputStream in, String shown, String entryName, int depth,
            List<ScanFinding> findings) throws IOException {
        if (entryName.startsWith("/") || entryName.contains("../") || entryName.contains("..\\")) {
            findings.add(new ScanFinding(ScanFinding.Severity.UNSAFE, shown, "zip-path",
                    "archive entry name escapes the archive's folder"));
        }
        if (entryName.endsWith("/")) {
            return;
        }
        byte[] magic = in.readNBytes(4);
        boolean zip = magic.length == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
        boolean pickle = entryName.toLowerCase(Locale.ROOT).endsWith(".pkl");
        if (!zip && !pickle) {
            return; // tensor storage or other data: never interpreted
        }
        byte[] rest = in.readNBytes((int) MAX_PICKLE + 1 - magic.length);
        if (magic.length + (long) rest.length > MAX_PICKLE) {
            throw new FormatException(shown + " is larger than 1 GiB uncompressed");
        }
        byte[] data = new byte[magic.length + rest.length];
        System.arraycopy(magic, 0, data, 0, magic.length);
        System.arraycopy(rest, 0, data, magic.length, rest.length);
        if (zip) {
            if (depth >= MAX_ZIP_DEPTH) {
                findings.add(new ScanFinding(ScanFinding.Severity.UNSAFE, shown, "zip-depth",
                        "archives nested more than " + MAX_ZIP_DEPTH + " deep"));
                return;
            }
            try (ZipInputStream nested = new ZipInputStream(new java.io.ByteArrayInputStream(data))) {
                int count = 0;
                for (ZipEntry e = nested.getNextEntry(); e != null; e = nested.getNextEntry()) {
                    if (++count > MAX_ENTRIES) {
                        throw new FormatException("more than " + MAX_ENTRIES + " archive entries");
                    }
                    scanMember(nested, shown + "!" + e.getName(), e.getName(), depth + 1, findings);
                }
            }
        } else {
            findings.addAll(PickleScanner.scan(data, shown));
        }
    }
}
