import { attachmentDisposition } from './content-disposition';

describe('attachmentDisposition', () => {
  it('uses a plain quoted filename for ASCII names', () => {
    expect(attachmentDisposition('errors-2025-01-01.csv')).toBe(
      'attachment; filename="errors-2025-01-01.csv"',
    );
  });

  it('adds an RFC 5987 filename* with an ASCII fallback for non-ASCII names', () => {
    expect(attachmentDisposition('Relatório de erros (março).csv')).toBe(
      `attachment; filename="Relatorio de erros (marco).csv"; ` +
        `filename*=UTF-8''Relat%C3%B3rio%20de%20erros%20%28mar%C3%A7o%29.csv`,
    );
  });

  it('never lets quotes, backslashes, slashes or line breaks into the quoted fallback', () => {
    const header = attachmentDisposition('a"b\\c/d\r\ne.csv');
    expect(header).toMatch(/^attachment; filename="a_b_c_d__e\.csv"; filename\*=UTF-8''/);
    expect(header).not.toMatch(/[\r\n]/);
  });

  it('falls back to "download" plus the extension when no letter or digit is left', () => {
    expect(attachmentDisposition('日本語.csv')).toBe(
      `attachment; filename="download.csv"; filename*=UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E.csv`,
    );
    expect(attachmentDisposition('日本語')).toMatch(/^attachment; filename="download"; /);
  });
});
