/**
 * A deterministic import file of `rows` rows over clients K1..K200 and services Z1..Z(rows/200):
 * mostly new pairs, with unknown clients (every 50th row + 7), invalid quantities (+13) and
 * repeats of the previous row's pair (+21) mixed in.
 */
export function bigImportFile(rows: number): {
  csv: string;
  clients: string[];
  services: [string, string][];
} {
  const clients = Array.from({ length: 200 }, (_, i) => `K${i + 1}`);
  const services = Array.from({ length: Math.ceil(rows / 200) }, (_, i): [string, string] => [
    `Z${i + 1}`,
    '5.00',
  ]);
  const lines = ['clientCode,serviceCode,quantity,notes'];
  let previous = '';
  for (let i = 0; i < rows; i++) {
    const pair = `K${(i % 200) + 1},Z${Math.floor(i / 200) + 1}`;
    switch (i % 50) {
      case 7:
        lines.push(`NOPE${i},Z1,1,unknown client`);
        break;
      case 13:
        lines.push(`${pair},abc,bad quantity`);
        break;
      case 21:
        lines.push(`${previous},2,repeat`);
        break;
      default:
        lines.push(`${pair},${(i % 5) + 1},row ${i}`);
        previous = pair;
    }
  }
  return { csv: lines.join('\n') + '\n', clients, services };
}
