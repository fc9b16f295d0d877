// Reads a zip file into a folder with node's zlib: the central directory names each entry,
// its size and where its local header is; entries are stored or deflated (all the package
// uses). Entries whose path would leave the folder are refused.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { inflateRawSync } from 'node:zlib'

/** Extracts `zipFile` into `folder`; returns the entry names in the zip's order. */
export function unzip (zipFile, folder) {
  const zip = readFileSync(zipFile)
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  if (end < 0) throw new Error(`${zipFile}: not a zip (no end of central directory)`)
  const count = zip.readUInt16LE(end + 10)
  let at = zip.readUInt32LE(end + 16)
  const names = []
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`${zipFile}: bad central directory`)
    const method = zip.readUInt16LE(at + 10)
    const size = zip.readUInt32LE(at + 20)
    const nameLength = zip.readUInt16LE(at + 28)
    const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32)
    const local = zip.readUInt32LE(at + 42)
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength)
    at += 46 + skip
    const target = path.resolve(folder, name)
    if (!target.startsWith(path.resolve(folder) + path.sep)) throw new Error(`${name} leaves the folder`)
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28)
    const data = zip.subarray(start, start + size)
    if (method !== 0 && method !== 8) throw new Error(`${name}: compression method ${method}`)
    mkdirSync(path.dirname(target), { recursive: true })
    writeFileSync(target, method === 8 ? inflateRawSync(data) : data)
    names.push(name)
  }
  return names
}
