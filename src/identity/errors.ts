// The identity API's one error type, rendered as Keystone renders errors:
// {"error": {"code": 401, "title": "Unauthorized", "message": "..."}}.

export class IdentityError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
  ) {
    super(message);
    this.name = 'IdentityError';
  }

  static badRequest(message: string): IdentityError {
    return new IdentityError(400, 'Bad Request', message);
  }

  static unauthorized(message = 'The request you have made requires authentication.'): IdentityError {
    return new IdentityError(401, 'Unauthorized', message);
  }

  static forbidden(action: string, message = `You are not authorized to perform the requested action: ${action}.`): IdentityError {
    return new IdentityError(403, 'Forbidden', message);
  }

  static notFound(message: string): IdentityError {
    return new IdentityError(404, 'Not Found', message);
  }

  static methodNotAllowed(method: string): IdentityError {
    return new IdentityError(405, 'Method Not Allowed', `The method ${method} is not allowed for this resource.`);
  }

  static internal(): IdentityError {
    return new IdentityError(500, 'Internal Server Error', 'An unexpected error prevented the server from fulfilling your request.');
  }

  toJSON(): { error: { code: number; title: string; message: string } } {
    return { error: { code: this.status, title: this.title, message: this.message } };
  }
}
