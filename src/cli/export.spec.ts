import { RecordCounter } from './export';

describe('RecordCounter', () => {
  it('counts CRLF-ended records, not the line breaks inside quoted cells, across chunks', () => {
    const text = 'h1,h2\r\n"a\r\nb","say ""hi"""\r\nc,"d\ne"\r\n';
    for (const size of [1, 2, 5, 100]) {
      const counter = new RecordCounter();
      const bytes = Buffer.from(text);
      for (let i = 0; i < bytes.length; i += size) counter.push(bytes.subarray(i, i + size));
      expect(counter.records).toBe(3);
    }
  });
});
