/* crc32c.h: CRC-32C (Castagnoli), for the container's checksums.  None of
 * our dependencies exports a checksum (zstd keeps its XXH64 private). */
#ifndef RS_CRC32C_H
#define RS_CRC32C_H
#include <stdint.h>
#include <stddef.h>
/* Start with crc = 0; pass the previous result to continue over more bytes.
 * rs_crc32c("123456789") = 0xE3069283. */
uint32_t rs_crc32c(uint32_t crc, const void *buf, size_t len);
/* The portable table version rs_crc32c falls back to (for tests). */
uint32_t rs_crc32c_sw(uint32_t crc, const void *buf, size_t len);
#endif
