// ts-jest wants an AST transformer as {name, version, factory}; @nestjs/swagger/plugin exports only
// `before`. This adapter runs the same Swagger CLI plugin in tests as `nest build` does.
const transformer = require('@nestjs/swagger/plugin');

module.exports.name = 'nestjs-swagger-transformer';
module.exports.version = 1;
module.exports.factory = (compiler) =>
  transformer.before(
    { classValidatorShim: true, introspectComments: true, dtoFileNameSuffix: ['.dto.ts'] },
    compiler.program,
  );
