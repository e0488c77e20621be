package org.ppfarm.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.concurrent.Callable;
import org.ppfarm.farm.seal.InputSeal;
import org.ppfarm.prover.PpfarmException;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ppfarm keys ...}: the keys a farm's operator makes once and distributes. */
@Command(name = "keys", mixinStandardHelpOptions = true, subcommands = KeysCommand.Seal.class,
        description = "Makes the keys a farm needs: seal (the workers' X25519 key pair that job inputs are sealed to).")
final class KeysCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a key kind is required (seal)");
    }

    /**
     * {@code ppfarm keys seal --out-dir DIR}: a fresh X25519 seal key pair as two settings files that
     * {@code ppfarm coordinator} and {@code ppfarm worker} take as they are (or whose line goes into their own):
     * {@value #PUBLIC_FILE} ({@code seal.public.key=base64(public)}, for every coordinator) and {@value #PRIVATE_FILE}
     * ({@code seal.key.pair=base64(public):base64(private)}, for workers only, created owner-only, rw-------, before
     * a byte is written). Neither file is overwritten: a farm's key is replaced on purpose, never by a repeated
     * command, since inputs sealed to the old key would no longer open. The private key is never printed.
     */
    @Command(name = "seal", mixinStandardHelpOptions = true,
            description = {"Writes a new seal key pair: DIR/" + Seal.PUBLIC_FILE + " (seal.public.key, for coordinators) and",
                    "DIR/" + Seal.PRIVATE_FILE + " (seal.key.pair, for workers only; owner-only permissions). Refuses to overwrite."})
    static final class Seal implements Callable<Integer> {
        static final String PUBLIC_FILE = "seal-public.properties";
        static final String PRIVATE_FILE = "seal-private.properties";

        @Spec CommandSpec spec;
        @Option(names = "--out-dir", required = true, paramLabel = "DIR", description = "Directory for the two files (created if missing).")
        Path outDir;

        @Override
        public Integer call() {
            try {
                return write();
            } catch (IOException e) { // a directory that cannot be made or written: bad input, one line
                throw new UncheckedIOException("--out-dir " + outDir + ": " + e.getClass().getSimpleName() + " " + e.getMessage(), e);
            }
        }

        private int write() throws IOException {
            Path pub = outDir.resolve(PUBLIC_FILE), priv = outDir.resolve(PRIVATE_FILE);
            for (Path p : new Path[] {pub, priv})
                if (Files.exists(p)) throw exists(p, null);
            Files.createDirectories(outDir);
            InputSeal.KeyPair keys = InputSeal.KeyPair.generate();
            byte[] pair = null;
            try {
                String publicLine = "seal.public.key=" + keys.publicKeyBase64();
                pair = pairLine(keys);
                writeNew(priv, pair, true);
                writeNew(pub, (publicLine + "\n").getBytes(StandardCharsets.US_ASCII), false);
                var out = spec.commandLine().getOut();
                out.println(publicLine);
                out.println("seal-key-fingerprint: " + InputSeal.fingerprint(keys.publicKey()) + " (clients: --seal-key-fingerprint)");
                out.println("coordinators: the line above, or pass " + pub + " after their settings file");
                out.println("workers only: pass " + priv + " (seal.key.pair, owner-only) after their settings file; copy it to no other host");
                return Ppfarm.OK;
            } finally {
                InputSeal.zeroize(keys.privateKey());
                if (pair != null) InputSeal.zeroize(pair);
            }
        }

        /** {@code seal.key.pair=base64(public):base64(private)\n} as bytes the caller zeroizes: no String holds the private key. */
        private static byte[] pairLine(InputSeal.KeyPair keys) {
            byte[] head = ("seal.key.pair=" + keys.publicKeyBase64() + ":").getBytes(StandardCharsets.US_ASCII);
            byte[] secret = Base64.getEncoder().encode(keys.privateKey());
            byte[] line = new byte[head.length + secret.length + 1];
            System.arraycopy(head, 0, line, 0, head.length);
            System.arraycopy(secret, 0, line, head.length, secret.length);
            line[line.length - 1] = '\n';
            InputSeal.zeroize(secret);
            return line;
        }

        private static PpfarmException exists(Path file, Exception cause) {
            return new PpfarmException(file + " already exists; not overwritten (a new key pair goes to another --out-dir)", cause);
        }

        /** Creates {@code file} (failing if it exists), owner-only from its creation when {@code secret}, and writes {@code bytes}. */
        private static void writeNew(Path file, byte[] bytes, boolean secret) throws IOException {
            try {
                if (secret) Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                else Files.createFile(file);
            } catch (FileAlreadyExistsException e) {
                throw exists(file, e);
            } catch (UnsupportedOperationException e) {
                throw new UncheckedIOException(new IOException(file + ": this file system has no owner-only permissions for a private key", e));
            }
            try (OutputStream o = Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                o.write(bytes);
            }
        }
    }
}
