package io.imcloud.attachments;

import io.imcloud.i18n.ErrorText;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Raster images, read with the JDK's ImageIO: the type and dimensions from the header alone, and small JPEG
 * thumbnails decoded with source subsampling, so that memory follows the thumbnail, not the image. An image with
 * more pixels than the limit is never decoded (a decompression bomb declares huge dimensions in a tiny file).
 */
final class ImageProbe {

    /** The formats served inline; anything else ImageIO may read (e.g. TIFF) stays a plain file. */
    private static final Map<String, String> TYPES = Map.of(
            "jpeg", "image/jpeg", "png", "image/png", "gif", "image/gif", "bmp", "image/bmp");

    private ImageProbe() {
    }

    /** The image's type and size from its header, or empty when it is not a JPEG, PNG, GIF or BMP image. */
    static Optional<ImageInfo> probe(Path file) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                return Optional.empty();
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return Optional.empty();
            }
            ImageReader reader = readers.next();
            try {
                String type = TYPES.get(reader.getFormatName().toLowerCase(Locale.ROOT));
                if (type == null) {
                    return Optional.empty();
                }
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                return width > 0 && height > 0 ? Optional.of(new ImageInfo(type, width, height)) : Optional.empty();
            } catch (IOException | RuntimeException damaged) {
                // a header ImageIO chokes on is not an image we can show: the bytes stay a plain file
                return Optional.empty();
            } finally {
                reader.dispose();
            }
        }
    }

    /**
     * Writes a JPEG of at most {@code maxEdge} pixels on its longer side to {@code target}.
     *
     * @throws AttachmentException IMAGE_TOO_LARGE when the source has more than {@code maxPixels} pixels, IMAGE_UNDECODABLE
     *                             when no decoder reads it (a valid header before broken or missing data)
     * @throws IOException         when the source cannot be read or the thumbnail written
     */
    static void thumbnail(Path source, Path target, int maxEdge, long maxPixels) throws IOException {
        BufferedImage decoded;
        try (ImageInputStream in = ImageIO.createImageInputStream(source.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw undecodable();
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if ((long) width * height > maxPixels) {
                    throw new AttachmentException(AttachmentException.Reason.IMAGE_TOO_LARGE, ErrorText.IMAGE_TOO_LARGE, width,
                            height, maxPixels);
                }
                ImageReadParam param = reader.getDefaultReadParam();
                int step = Math.max(1, Math.max(width, height) / (2 * maxEdge));
                param.setSourceSubsampling(step, step, 0, 0);
                decoded = reader.read(0, param);
            } catch (AttachmentException refused) {
                throw refused;
            } catch (IOException | RuntimeException e) {
                // broken data: the decoders throw IIOException, an EOFException for data cut short, or unchecked
                // exceptions for some malformed streams; the file itself was opened above
                throw undecodable();
            } finally {
                reader.dispose();
            }
        }
        writeJpeg(scaled(decoded, maxEdge), target);
    }

    private static AttachmentException undecodable() {
        return new AttachmentException(AttachmentException.Reason.IMAGE_UNDECODABLE, ErrorText.IMAGE_UNDECODABLE);
    }

    /** {@code image} scaled to fit {@code maxEdge}, on white (JPEG has no transparency), in RGB. */
    private static BufferedImage scaled(BufferedImage image, int maxEdge) {
        double factor = Math.min(1.0, (double) maxEdge / Math.max(image.getWidth(), image.getHeight()));
        int width = Math.max(1, (int) Math.round(image.getWidth() * factor));
        int height = Math.max(1, (int) Math.round(image.getHeight() * factor));
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.drawImage(image, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static void writeJpeg(BufferedImage image, Path target) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(target.toFile())) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.8f);
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
    }

    /** What an image's header says. */
    record ImageInfo(String contentType, int width, int height) {
    }
}
