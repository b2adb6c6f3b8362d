import { type ValidationOptions, ValidateBy, buildMessage } from 'class-validator';

/** Alertmanager's label and annotation sets: a JSON object whose values are all strings. */
export function IsStringRecord(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStringRecord',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Object.values(value).every((v) => typeof v === 'string'),
        defaultMessage: buildMessage((each) => `${each}$property must be an object of string values`, options),
      },
    },
    options,
  );
}
